// `setup --statusline` writes Claude Code's statusLine setting, and the command it installs runs
// the built CLI's status line (its own bundle) over recorded payloads: one line, always exit 0.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, makeSandbox, runCli, type Sandbox } from '../support/cli.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/statusline');
const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.cleanup();
});

function sandbox(): Sandbox {
  const s = makeSandbox('http://127.0.0.1:9');
  sandboxes.push(s);
  return s;
}

/** Runs the settings' statusLine command the way Claude Code does: through a shell, JSON on stdin. */
function render(command: string, input: string, s: Sandbox) {
  const r = spawnSync('/bin/sh', ['-c', command], { input, env: s.env, cwd: s.workdir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('setup --statusline', () => {
  it('installs the status line, keeps other keys and a .bak, and the installed command renders', async () => {
    const s = sandbox();
    const file = path.join(s.workdir, '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const beforeText = '{"theme":"dark","statusLine":{"type":"command","command":"echo old"}}\n';
    fs.writeFileSync(file, beforeText);

    const dry = await runCli(['setup', '--statusline', '--scope', 'project', '--dry-run'], s);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('statusLine: {"type":"command","command":"echo old"} -> {"type":"command"');
    expect(fs.readFileSync(file, 'utf8')).toBe(beforeText);

    const r = await runCli(['setup', '--statusline', '--scope', 'project', '--yes'], s);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(after.theme).toBe('dark');
    expect(after.env).toBeUndefined(); // --statusline changes only the status line
    expect(after.statusLine).toEqual({ type: 'command', command: `${CLI} statusline`, padding: 0 });
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(beforeText);

    const again = await runCli(['setup', '--statusline', '--scope', 'project', '--yes'], s);
    expect(again.stderr).toContain('already runs claude-otel statusline');

    const subscriber = fs.readFileSync(path.join(FIXTURES, 'subscriber.json'), 'utf8');
    const line = render(after.statusLine.command, subscriber, s);
    expect(line.code).toBe(0);
    expect(line.stderr).toBe('');
    expect(line.stdout).toMatch(
      /^<\$0\.01 session \| \$0\.00 today \| 5h 37% \(\d+% of time, resets 17:00\) \| 7d 12% \| \$0\.00\/h \| ctx 0%\n$/,
    );
    // The reading was kept in the data home.
    expect(fs.readFileSync(path.join(s.otelHome, 'plan', 'observations.jsonl'), 'utf8')).toContain(
      '"five_hour"',
    );

    for (const bad of ['{"cost":', 'null', '']) {
      const b = render(after.statusLine.command, bad, s);
      expect(b).toEqual({ code: 0, stdout: 'claude-otel: no status\n', stderr: '' });
    }
  });

  it('statusline --help is the CLI help, not a status line', async () => {
    const r = await runCli(['statusline', '--help'], sandbox());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: claude-otel statusline');
  });
});
