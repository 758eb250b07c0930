// End-to-end: `claude-otel stack up|status|down` with the cached native binaries on free ports,
// `doctor` against that stack (after a real swarm run) and against a closed port, and `setup`
// writing Claude Code's user settings in a sandboxed HOME.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_BIN, makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { finishPending } from '../support/finish-pending.js';
import { freePorts } from '../support/free-port.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

// The tools `bash scripts/setup-tools.sh` built; the sandbox's HOME hides the default cache.
const CACHE = process.env.CLAUDE_OTEL_CACHE ?? path.join(os.homedir(), '.cache', 'claude-otel');

let api: ScriptedApi;
const sandboxes: Sandbox[] = [];

function sandbox(extra: NodeJS.ProcessEnv = {}): Sandbox {
  const s = makeSandbox(api.url, { CLAUDE_OTEL_CACHE: CACHE, CLAUDE_OTEL_CLAUDE_BIN: CLAUDE_BIN, ...extra });
  sandboxes.push(s);
  return s;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function status(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  expect(fs.existsSync(path.join(CACHE, 'tools.env')), `run bash scripts/setup-tools.sh (${CACHE})`).toBe(
    true,
  );
  api = await startScriptedApi();
});

afterAll(async () => {
  await api?.close();
  for (const s of sandboxes) s.cleanup();
});

describe('stack and doctor', () => {
  let s: Sandbox;
  let stackArgs: string[];
  const ports = { otlp: 0, otlpHttp: 0, metrics: 0, health: 0, selfMetrics: 0, prometheus: 0 };

  beforeAll(async () => {
    const [otlp, otlpHttp, metrics, health, selfMetrics, prometheus] = await freePorts(6);
    Object.assign(ports, { otlp, otlpHttp, metrics, health, selfMetrics, prometheus });
    s = sandbox({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlp}`,
      CLAUDE_OTEL_PROMETHEUS_URL: `http://127.0.0.1:${prometheus}`,
    });
    stackArgs = [
      '--no-build',
      '--otlp-port',
      String(otlp),
      '--otlp-http-port',
      String(otlpHttp),
      '--metrics-port',
      String(metrics),
      '--health-port',
      String(health),
      '--self-metrics-port',
      String(selfMetrics),
      '--prometheus-port',
      String(prometheus),
    ];
  });

  afterAll(async () => {
    // Whatever happened above, no collector or Prometheus outlives the file.
    if (s) await runCli(['stack', 'down'], s, 30_000);
  });

  it('stack up, status, a swarm run seen by doctor, then down and status', async () => {
    const up = await runCli(['stack', 'up', ...stackArgs], s, 60_000);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${ports.otlp}`);
    expect(await accepts(ports.otlp)).toBe(true);
    expect(await status(`http://127.0.0.1:${ports.health}/`)).toBe(200);
    expect(await status(`http://127.0.0.1:${ports.prometheus}/-/ready`)).toBe(200);

    const st = await runCli(['stack', 'status'], s);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stderr).toMatch(/^collector\s+healthy\s/m);
    expect(st.stderr).toMatch(/^prometheus\s+healthy\s/m);

    const swarm = await runCli(['swarm', 'x [[scenario:hello]]', '--', '--model', 'claude-sonnet-4-5'], s);
    expect(swarm.code, swarm.stderr).toBe(0);
    // Doctor reports a run its bounded end-of-run export left pending as "not exported yet" until
    // sync sends it (as its fix says).
    await finishPending(s, 'stack-doctor-setup swarm');

    // Prometheus scrapes every 15 s: doctor passes once the run's series is there (before, it says
    // "ok ... not scraped yet" and exits 0 too).
    let last = '';
    const doctor = await waitFor(
      async () => {
        const r = await runCli(['doctor'], s, 30_000);
        last = r.stdout + r.stderr;
        return r.code === 0 && /last run in Prometheus: .* = \d/.test(r.stdout) ? r : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 2000, what: 'doctor to pass' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${last}`);
    });
    expect(doctor.stdout).toMatch(/^ok {2}\s*OTLP collector: .*answers OTLP exports/m);
    expect(doctor.stdout).toMatch(/^ok {2}\s*last run in Prometheus: .*model="claude-sonnet-4-5".* = \d/m);
    expect(doctor.stdout).not.toContain('FAIL');

    const down = await runCli(['stack', 'down'], s, 30_000);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/stopped (prometheus, collector|collector, prometheus)/);
    for (const port of Object.values(ports)) expect(await accepts(port), `port ${port}`).toBe(false);

    const after = await runCli(['stack', 'status'], s);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^collector\s+stopped\s/m);
    expect(after.stderr).toMatch(/^prometheus\s+stopped\s/m);
  });

  it('doctor fails with a fix when the OTLP endpoint is a closed port', async () => {
    const [closed, noProm] = await freePorts(2);
    const t = sandbox({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
      CLAUDE_OTEL_PROMETHEUS_URL: `http://127.0.0.1:${noProm}`,
    });
    const r = await runCli(['doctor'], t, 30_000);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    const i = lines.findIndex((l) => /^FAIL\s+OTLP collector: /.test(l));
    expect(i, r.stdout).toBeGreaterThanOrEqual(0);
    expect(lines[i + 1]).toMatch(/^\s+fix: claude-otel stack up/);
    // The cause itself, not http2's wrapper around it.
    expect(lines[i]).toMatch(/cannot reach .*\(connect ECONNREFUSED [^()]+\)$/);
    // Prometheus's line names the cause too, not undici's "fetch failed".
    expect(r.stdout).toMatch(
      new RegExp(
        `^FAIL\\s+Prometheus: http://127\\.0\\.0\\.1:${noProm}: connect ECONNREFUSED 127\\.0\\.0\\.1:${noProm}$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/^ok\s+claude binary: /m);
  });

  it('doctor fails on a settings file that is not JSON, naming it, and never echoes its text', async () => {
    const [closed] = await freePorts(1);
    const t = sandbox({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}` });
    const file = path.join(t.home, '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Telemetry is on in it, but Claude Code gets nothing from a file that does not parse.
    fs.writeFileSync(
      file,
      '{"env": {"CLAUDE_CODE_ENABLE_TELEMETRY": "1", "ANTHROPIC_API_KEY": "sk-doctor-secret",\n',
    );
    const r = await runCli(['doctor'], t, 30_000);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    const i = lines.findIndex((l) => /^FAIL\s+telemetry env: /.test(l));
    expect(i, r.stdout).toBeGreaterThanOrEqual(0);
    expect(lines[i]).toBe(`FAIL  telemetry env: cannot read ${file}: not valid JSON (at position 87)`);
    expect(lines[i + 1]).toMatch(/^\s+fix: fix the JSON by hand, then claude-otel setup$/);
    expect(r.stdout + r.stderr).not.toContain('sk-doctor-secret');
  });
});

describe('setup', () => {
  const settingsPath = (s: Sandbox) => path.join(s.home, '.claude', 'settings.json');

  it('merges telemetry env into user settings, keeps other keys and writes a .bak', async () => {
    const s = sandbox({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14317' });
    const file = settingsPath(s);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const before = { theme: 'dark', permissions: { allow: ['Bash(ls)'] }, env: { FOO: 'bar' } };
    const beforeText = `${JSON.stringify(before)}\n`;
    fs.writeFileSync(file, beforeText);

    const r = await runCli(['setup', '--scope', 'user', '--yes'], s);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(after.theme).toBe('dark');
    expect(after.permissions).toEqual(before.permissions);
    expect(after.env).toMatchObject({
      FOO: 'bar',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14317',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(beforeText);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['settings.json', 'settings.json.bak']);

    // Running again changes nothing.
    const again = await runCli(['setup', '--scope', 'user', '--yes'], s);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already exports telemetry');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(after);
  });

  it('--dry-run shows the change and writes nothing', async () => {
    const s = sandbox();
    const file = settingsPath(s);
    const r = await runCli(['setup', '--scope', 'user', '--dry-run', '--yes'], s);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('CLAUDE_CODE_ENABLE_TELEMETRY: (unset) -> "1"');
    expect(fs.existsSync(path.dirname(file))).toBe(false);

    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"theme":"light"}');
    const r2 = await runCli(['setup', '--scope', 'user', '--dry-run'], s);
    expect(r2.code, r2.stderr).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"theme":"light"}');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['settings.json']);
  });

  it('without --yes and without a terminal to ask: exit 1 after the change, nothing written', async () => {
    const s = sandbox();
    const file = settingsPath(s);
    // runCli's stdin is /dev/null, as in `claude-otel setup </dev/null`.
    const r = await runCli(['setup', '--scope', 'user'], s);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CLAUDE_CODE_ENABLE_TELEMETRY: (unset) -> "1"');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'claude-otel: nothing written (run again with --yes to write)',
    );
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('refuses a malformed settings file with a one-line error and leaves it alone', async () => {
    const s = sandbox();
    const file = settingsPath(s);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // As an editor leaves it: a trailing newline, and a secret next to the syntax error.
    const broken = '{\n  "theme": dark,\n  "env": { "ANTHROPIC_API_KEY": "sk-ant-SETUPSECRET" }\n}\n';
    fs.writeFileSync(file, broken);
    const r = await runCli(['setup', '--scope', 'user', '--yes'], s);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`cannot read ${file}`);
    expect(r.stderr).not.toContain('SETUPSECRET'); // the file's text is not echoed
    expect(fs.readFileSync(file, 'utf8')).toBe(broken);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['settings.json']);
  });
});
