// `claude-otel sync` with the export turned off: it sends nothing, says why and how to turn the
// export on (not to start a collector, which would not help), and fails, so a script notices.
import { afterAll, describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../support/cli.js';

const s = makeSandbox('http://127.0.0.1:9', { CLAUDE_OTEL_EXPORT: 'off' });
afterAll(() => s.cleanup());

describe('sync with CLAUDE_OTEL_EXPORT=off', () => {
  it('says the export is off and how to turn it on, in one line, exit 1', async () => {
    const r = await runCli(['sync'], s);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      'claude-otel: export is off (CLAUDE_OTEL_EXPORT=off) (unset CLAUDE_OTEL_EXPORT or set it to on, then run `claude-otel sync` again)',
    );
    expect(r.stderr).not.toContain('stack up');
  });

  it('names the value the export was turned off with', async () => {
    const zero = makeSandbox('http://127.0.0.1:9', { CLAUDE_OTEL_EXPORT: '0' });
    try {
      const r = await runCli(['sync'], zero);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        'claude-otel: export is off (CLAUDE_OTEL_EXPORT=0) (unset CLAUDE_OTEL_EXPORT or set it to on, then run `claude-otel sync` again)',
      );
    } finally {
      zero.cleanup();
    }
  });
});
