// Bad option values and environment variables through the built CLI: every command rejects them
// with one line on stderr naming the value, exit 2, no stack trace, and nothing started.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import { generateRuns } from '../fixtures/ledger/generate-ledger.js';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';

let s: Sandbox;
let fakeClaude: string;
let started: string;

beforeAll(() => {
  s = makeSandbox('http://127.0.0.1:9');
  for (const r of generateRuns(3)) appendRunRecord(r, s.env);
  started = path.join(s.dir, 'claude-started');
  fakeClaude = path.join(s.dir, 'claude');
  fs.writeFileSync(fakeClaude, `#!/bin/sh\ntouch '${started}'\n`, { mode: 0o755 });
});

afterAll(() => s?.cleanup());

const cases: [string, string[], Record<string, string>, string][] = [
  [
    'report --promql without --source prometheus',
    ['report', '--promql', 'xincrease'],
    {},
    '--promql is for --source prometheus',
  ],
  [
    'report --promql rate',
    ['report', '--source', 'prometheus', '--url', 'http://127.0.0.1:9', '--promql', 'rate'],
    {},
    "--promql 'rate' is not one of auto, anchored, xincrease",
  ],
  // One URL parser (config/options.ts parseHttpUrl) for every URL: control characters refused and
  // escaped, never silently dropped.
  [
    "report --url 'http://a<newline>b'",
    ['report', '--source', 'prometheus', '--url', 'http://a\nb'],
    {},
    "--url 'http://a\\nb' is not an http(s) URL",
  ],
  [
    "report --url 'ftp://x<newline>y'",
    ['report', '--source', 'prometheus', '--url', 'ftp://x\ny'],
    {},
    "--url 'ftp://x\\ny' is not an http(s) URL",
  ],
  [
    'stack up --team --alert-webhook ftp://<secret>',
    ['stack', 'up', '--team', '--no-build', '--alert-webhook', 'ftp://secret-token-xyz'],
    {},
    '--alert-webhook is not an http(s) URL',
  ],
  [
    'stack up --team with CLAUDE_OTEL_ALERT_WEBHOOK_URL=http://a<newline>b',
    ['stack', 'up', '--team', '--no-build'],
    { CLAUDE_OTEL_ALERT_WEBHOOK_URL: 'http://hooks.example/secret\nx' },
    'CLAUDE_OTEL_ALERT_WEBHOOK_URL is not an http(s) URL',
  ],
  [
    'swarm with CLAUDE_OTEL_EXPORT=maybe',
    ['swarm', 'x', '--claude-bin', '<fake>'],
    { CLAUDE_OTEL_EXPORT: 'maybe' },
    "CLAUDE_OTEL_EXPORT 'maybe' is not on or off",
  ],
  [
    'sync with CLAUDE_OTEL_EXPORT=maybe',
    ['sync'],
    { CLAUDE_OTEL_EXPORT: 'maybe' },
    "CLAUDE_OTEL_EXPORT 'maybe' is not on or off",
  ],
  ['sync --timeout -1', ['sync', '--timeout', '-1'], {}, "--timeout '-1' is not a duration"],
  ['sync --timeout abc', ['sync', '--timeout', 'abc'], {}, "--timeout 'abc' is not a duration"],
  ['sync --timeout 0', ['sync', '--timeout', '0'], {}, "--timeout '0' must be greater than zero"],
  ['sync --timeout 1e400', ['sync', '--timeout', '1e400'], {}, "--timeout '1e400' is not a duration"],
  [
    'sync with CLAUDE_OTEL_EXPORT_TIMEOUT_MS=abc',
    ['sync'],
    { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: 'abc' },
    "CLAUDE_OTEL_EXPORT_TIMEOUT_MS 'abc' is not a positive whole number",
  ],
  [
    'swarm with CLAUDE_OTEL_EXPORT_TIMEOUT_MS=abc',
    ['swarm', 'x', '--claude-bin', '<fake>'],
    { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: 'abc' },
    "CLAUDE_OTEL_EXPORT_TIMEOUT_MS 'abc' is not a positive whole number",
  ],
  [
    'swarm --live-interval 5x',
    ['swarm', 'x', '--live-interval', '5x', '--claude-bin', '<fake>'],
    {},
    "--live-interval '5x' is not a duration",
  ],
  [
    // A bad option is named before the claude binary is looked for (it was the other way round).
    'swarm --live-interval 5x with no claude binary',
    ['swarm', 'x', '--live-interval', '5x', '--claude-bin', '/nonexistent/claude'],
    {},
    "--live-interval '5x' is not a duration",
  ],
  [
    'run --live-interval 5x with no claude binary',
    ['run', '--live-interval', '5x', '--claude-bin', '/nonexistent/claude', '--', '-p', 'x'],
    {},
    "--live-interval '5x' is not a duration",
  ],
  [
    'swarm with CLAUDE_OTEL_LIVE_INTERVAL=soon',
    ['swarm', 'x', '--claude-bin', '<fake>'],
    { CLAUDE_OTEL_LIVE_INTERVAL: 'soon' },
    "CLAUDE_OTEL_LIVE_INTERVAL 'soon' is not a duration",
  ],
  // Past 2^31-1 ms a Node timer fires after 1 ms: values one timer arms are capped.
  [
    'swarm --live-interval 600h',
    ['swarm', 'x', '--live-interval', '600h', '--claude-bin', '<fake>'],
    {},
    "--live-interval '600h' is too long: at most 2147483647ms (24.8 days)",
  ],
  [
    'swarm with CLAUDE_OTEL_LIVE_INTERVAL=600h',
    ['swarm', 'x', '--claude-bin', '<fake>'],
    { CLAUDE_OTEL_LIVE_INTERVAL: '600h' },
    "CLAUDE_OTEL_LIVE_INTERVAL '600h' is too long: at most 2147483647ms (24.8 days)",
  ],
  [
    'swarm with CLAUDE_OTEL_EXPORT_TIMEOUT_MS=99999999999',
    ['swarm', 'x', '--claude-bin', '<fake>'],
    { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '99999999999' },
    "CLAUDE_OTEL_EXPORT_TIMEOUT_MS '99999999999' is too long: at most 2147483647ms (24.8 days)",
  ],
  [
    'monitor --interval 600h',
    ['monitor', '--interval', '600h', '--count', '2'],
    {},
    "--interval '600h' is too long: at most 2147483647ms (24.8 days)",
  ],
  [
    'sync --timeout 600h',
    ['sync', '--timeout', '600h'],
    {},
    "--timeout '600h' is too long: at most 2147483647ms (24.8 days)",
  ],
  [
    'swarm --timeout 0.1ms',
    ['swarm', 'x', '--timeout', '0.1ms', '--claude-bin', '<fake>'],
    {},
    "--timeout '0.1ms' rounds to 0 ms",
  ],
  [
    'swarm with OTEL_EXPORTER_OTLP_ENDPOINT=not a url',
    ['swarm', 'x', '--claude-bin', '<fake>'],
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
    "OTEL_EXPORTER_OTLP_ENDPOINT 'not a url' is not an http(s) URL",
  ],
  [
    "setup --endpoint 'not a url'",
    ['setup', '--endpoint', 'not a url', '--dry-run'],
    {},
    "--endpoint 'not a url' is not an http(s) URL",
  ],
  [
    'stack up --otlp-port abc',
    ['stack', 'up', '--no-build', '--otlp-port', 'abc'],
    {},
    "--otlp-port 'abc' is not a port",
  ],
  [
    'stack up --prometheus-port 70000',
    ['stack', 'up', '--no-build', '--prometheus-port', '70000'],
    {},
    "--prometheus-port '70000' is not a port",
  ],
  [
    'stack up --metrics-port 1.5',
    ['stack', 'up', '--no-build', '--metrics-port', '1.5'],
    {},
    "--metrics-port '1.5' is not a port",
  ],
  [
    'stack up with two services on one port',
    ['stack', 'up', '--no-build', '--health-port', '9090'],
    {},
    'the prometheus and health ports are both 9090',
  ],
  [
    'gate --scope swarm:<no such id>',
    ['gate', '--max-usd', '100', '--scope', 'swarm:swarm-0000'],
    {},
    'no run matched --scope swarm:swarm-0000',
  ],
  ['gate --max-usd 1e3', ['gate', '--max-usd', '1e3'], {}, "--max-usd '1e3' is not an amount in US dollars"],
  ['serve --port 99999', ['serve', '--port', '99999'], {}, "--port '99999' is not a port"],
  [
    'monitor --interval abc',
    ['monitor', '--interval', 'abc', '--once'],
    {},
    "--interval 'abc' is not a duration",
  ],
  [
    'doctor with CLAUDE_OTEL_PROMETHEUS_URL=not a url',
    ['doctor'],
    { CLAUDE_OTEL_PROMETHEUS_URL: 'not a url' },
    "CLAUDE_OTEL_PROMETHEUS_URL 'not a url' is not an http(s) URL",
  ],
  [
    'run --operation with a space',
    ['run', '--operation', 'two words', '--claude-bin', '<fake>', '--', '-p', 'x'],
    {},
    "--operation 'two words' is not a valid name",
  ],
  // A commander error is one line too, its "Did you mean" suggestion included.
  [
    'bogus (a typo of a command)',
    ['bogus'],
    {},
    "unknown command 'bogus'; did you mean blocks? (see claude-otel --help)",
  ],
  // A usage error inside a command points at that command's help; for run, claude's own flags
  // go after --.
  [
    'run -p hi (claude flags before --)',
    ['run', '-p', 'hi'],
    {},
    "unknown option '-p' (put claude's own flags after --: claude-otel run -- -p hi)",
  ],
  [
    'passthrough --quiet -p hi -- --model x',
    ['passthrough', '--quiet', '-p', 'hi', '--claude-bin', '/nonexistent/claude', '--', '--model', 'x'],
    {},
    "unknown option '-p' (put claude's own flags after --: claude-otel run --quiet --claude-bin /nonexistent/claude -- -p hi --model x)",
  ],
  ['swarm --bogus', ['swarm', 'x', '--bogus'], {}, "unknown option '--bogus' (see claude-otel swarm --help)"],
  ['swarm with no task', ['swarm'], {}, "missing required argument 'tasks' (see claude-otel swarm --help)"],
  // swarm drives Claude Code with --output-format stream-json itself: a user's format is refused.
  [
    'swarm -- --output-format json',
    ['swarm', 'x', '--claude-bin', '<fake>', '--', '--output-format', 'json'],
    {},
    'swarm sets --output-format itself (stream-json) (drop it, or use claude-otel run -- -p "..." --output-format json)',
  ],
  [
    'swarm -- --output-format=text',
    ['swarm', 'x', '--quiet', '--claude-bin', '<fake>', '--', '--model', 'm', '--output-format=text'],
    {},
    'swarm sets --output-format itself (stream-json)',
  ],
  [
    'swarm -- --input-format stream-json',
    ['swarm', 'x', '--claude-bin', '<fake>', '--', '--input-format', 'stream-json'],
    {},
    'swarm gives each task as the prompt: --input-format is not for swarm',
  ],
  ['monitor --count 0', ['monitor', '--count', '0'], {}, "--count '0' is not a positive whole number"],
  [
    'monitor --count 1.5 --once',
    ['monitor', '--count', '1.5', '--once'],
    {},
    "--count '1.5' is not a positive whole number",
  ],
  [
    'swarm with CLAUDE_OTEL_USER_PSEUDONYMIZE=maybe (a privacy switch)',
    ['swarm', 'hi', '--claude-bin', '<fake>'],
    { CLAUDE_OTEL_TEAM: 't', CLAUDE_OTEL_USER_PSEUDONYMIZE: 'maybe' },
    "CLAUDE_OTEL_USER_PSEUDONYMIZE 'maybe' is not on or off",
  ],
  // The empty prefix matches every id: refused, not taken for the only (or last) one.
  ['show ""', ['show', ''], {}, 'the run id is empty'],
  ['cost ""', ['cost', ''], {}, 'the session id is empty'],
];

describe('bad input through the built CLI', () => {
  it.each(cases)('%s: one line, exit 2, no stack', async (_name, args, env, message) => {
    const argv = args.map((a) => (a === '<fake>' ? fakeClaude : a));
    const r = await runCli(argv, { ...s, env: { ...s.env, ...env } }, 30_000);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`claude-otel: ${message}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(started), 'claude must not start').toBe(false);
    expect(r.stderr).not.toContain('secret');
  });
});
