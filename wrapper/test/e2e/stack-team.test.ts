// End-to-end: `claude-otel stack up|status|down --team` with the cached native binaries on free
// ports: two collector replicas, the scraper, Thanos receive ×2 + query, Jaeger, Alertmanager. A
// run synced to the second replica shows up through Thanos query on --prometheus-port and its
// trace in Jaeger; Alertmanager runs the shipped config with the --alert-webhook URL; down stops
// every process; bad flags are usage errors.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTraceId } from '../../src/export/span-model.js';
import { appendRunRecord } from '../../src/ledger/append.js';
import { isProcessAlive } from '../../src/process-alive.js';
import { REPLICA_PORT_STEP, TEAM_BLOCK, teamJaegerPorts } from '../../src/stack/native-team-stack.js';
import { findTool } from '../../src/stack/tools.js';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { variedRun } from '../support/collector-fixtures.js';
import { waitFor } from '../support/wait-for.js';

const CACHE = process.env.CLAUDE_OTEL_CACHE ?? path.join(os.homedir(), '.cache', 'claude-otel');
// Tool paths given to the test run (e.g. a Thanos build not yet in the cache's tools.env).
const TOOL_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => /^CLAUDE_OTEL_[A-Z_]+_BIN$/.test(k) && k !== 'CLAUDE_OTEL_CLAUDE_BIN',
  ),
);
const sandboxes: Sandbox[] = [];
let running: Sandbox | undefined;

afterAll(async () => {
  if (running) await runCli(['stack', 'down', '--team'], running, 60_000);
  for (const s of sandboxes) s.cleanup();
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port where every port of the layout (replicas step by 10, one block) is free. */
async function freeLayout(replicas: number): Promise<{ base: number; block: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768-60999): the services bind over tens of seconds, and an
    // outgoing connection of the other test worker meanwhile takes its local port from that range.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const block = base + 100;
    const ports = [
      ...Array.from({ length: replicas }, (_, i) =>
        [0, 1, 2, 3, 4].map((k) => base + k + REPLICA_PORT_STEP * i),
      ).flat(),
      base + 50,
      ...Array.from({ length: TEAM_BLOCK }, (_, i) => block + i),
    ];
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return { base, block };
  }
  throw new Error('no free port layout');
}

/** Only `block` matters to teamJaegerPorts. */
const DUMMY_PORTS = { otlpGrpc: 0, otlpHttp: 0, metrics: 0, health: 0, selfMetrics: 0, query: 0 };

const status = async (url: string) => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
};

describe('stack --team', () => {
  it('rejects bad team flags with one-line usage errors', async () => {
    const s = makeSandbox('http://127.0.0.1:9', { CLAUDE_OTEL_CACHE: CACHE });
    sandboxes.push(s);
    for (const [args, message] of [
      [['--team', '--replicas', '0'], /--replicas '0' is not a positive whole number/],
      [['--team', '--replicas', '12'], /--replicas 12 is more than 9/],
      [['--replicas', '2'], /--replicas needs --team/],
      [['--team', '--otlp-port', '65530'], /port 65530 leaves no room for 3 replicas/],
      [['--alert-webhook', 'https://hooks.example/x'], /--alert-webhook needs --team/],
      [['--team', '--alert-webhook', 'not-a-url'], /--alert-webhook is not an http\(s\) URL/],
    ] as const) {
      const r = await runCli(['stack', 'up', '--no-build', ...args], s);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('a tier that cannot start completely is stopped again (a replica port taken)', async () => {
    const { base, block } = await freeLayout(2);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(base + REPLICA_PORT_STEP, '127.0.0.1', resolve));
    try {
      const s = makeSandbox('http://127.0.0.1:9', { ...TOOL_ENV, CLAUDE_OTEL_CACHE: CACHE });
      sandboxes.push(s);
      const up = await runCli(
        ['stack', 'up', '--team', '--no-build', '--replicas', '2', '--otlp-port', String(base)]
          .concat(['--otlp-http-port', String(base + 1), '--metrics-port', String(base + 2)])
          .concat(['--health-port', String(base + 3), '--self-metrics-port', String(base + 4)])
          .concat(['--prometheus-port', String(base + 50), '--team-ports', String(block)]),
        s,
        120_000,
      );
      expect(up.code).toBe(1);
      expect(up.stderr).toMatch(/collector-2 did not become healthy/);
      // Replica 1 had started: it is gone again.
      expect(await canListen(base)).toBe(true);
      expect(await canListen(base + 3)).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('up, status, a synced run visible through Thanos query, down', async () => {
    const { base, block } = await freeLayout(2);
    const query = base + 50;
    const s = makeSandbox('http://127.0.0.1:9', {
      ...TOOL_ENV,
      CLAUDE_OTEL_CACHE: CACHE,
      // The second replica: any replica takes any export.
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${base + REPLICA_PORT_STEP}`,
    });
    sandboxes.push(s);
    running = s;
    const args = [
      '--team',
      '--no-build',
      '--replicas',
      '2',
      '--otlp-port',
      String(base),
      '--otlp-http-port',
      String(base + 1),
      '--metrics-port',
      String(base + 2),
      '--health-port',
      String(base + 3),
      '--self-metrics-port',
      String(base + 4),
      '--prometheus-port',
      String(query),
      '--team-ports',
      String(block),
      // Never called here (no alert fires): the test checks Alertmanager loaded it.
      '--alert-webhook',
      'http://127.0.0.1:9/stack-team-hook',
    ];
    const up = await runCli(['stack', 'up', ...args], s, 120_000);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`http://127.0.0.1:${base} http://127.0.0.1:${base + REPLICA_PORT_STEP}`);
    for (const name of ['collector-1', 'collector-2', 'receive-1', 'receive-2', 'query', 'scraper'])
      expect(up.stderr).toMatch(new RegExp(`^${name}\\s+healthy\\s`, 'm'));
    // Jaeger and Alertmanager are built by setup-tools: this test needs both.
    expect(
      findTool('alertmanager', s.env) && findTool('jaeger', s.env),
      'alertmanager and jaeger binaries',
    ).toBeTruthy();
    expect(up.stderr).toMatch(/^alertmanager\s+healthy\s/m);
    expect(up.stderr).toMatch(/^jaeger\s+healthy\s/m);
    expect(up.stderr).not.toContain('stack-team-hook');
    expect(await status(`http://127.0.0.1:${query}/-/ready`)).toBe(200);
    const jaeger = teamJaegerPorts({ ...DUMMY_PORTS, block });
    expect(up.stderr).toContain(`http://127.0.0.1:${jaeger.queryHttp}`);

    // Alertmanager runs the shipped routes with its URL files in the stack's secrets folder.
    const secrets = path.join(s.otelHome, 'stack', 'team', 'secrets');
    const amStatus = (await (await fetch(`http://127.0.0.1:${block + 22}/api/v2/status`)).json()) as {
      config: { original: string };
    };
    for (const receiver of ['default', 'team-critical', 'team-warning'])
      expect(amStatus.config.original).toContain(`name: ${receiver}`);
    expect(amStatus.config.original).toContain(`api_url_file: ${secrets}/critical-webhook-url`);
    for (const f of ['default', 'critical', 'warning'])
      expect(fs.readFileSync(path.join(secrets, `${f}-webhook-url`), 'utf8')).toBe(
        'http://127.0.0.1:9/stack-team-hook\n',
      );
    // The scraper's alerts go to it (its notifier discovers the target shortly after start-up).
    const activeAlertmanagers = async () => {
      const ams = (await (await fetch(`http://127.0.0.1:${block + 21}/api/v1/alertmanagers`)).json()) as {
        data: { activeAlertmanagers: { url: string }[] };
      };
      return ams.data.activeAlertmanagers.map((a) => a.url);
    };
    await waitFor(async () => (await activeAlertmanagers()).length > 0, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: "the scraper's active Alertmanager",
    });
    expect(await activeAlertmanagers()).toEqual([`http://127.0.0.1:${block + 22}/api/v2/alerts`]);
    const teamDir = path.join(s.otelHome, 'stack', 'team');
    const pids = fs
      .readdirSync(teamDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(fs.readFileSync(path.join(teamDir, f), 'utf8')));
    expect(pids).toHaveLength(8);

    const st = await runCli(['stack', 'status', '--team'], s);
    expect(st.code, st.stderr).toBe(0);
    for (const name of ['jaeger', 'alertmanager'])
      expect(st.stderr).toMatch(new RegExp(`^${name}\\s+healthy\\s`, 'm'));

    const record = appendRunRecord(variedRun(7), s.env);
    const total = Object.values(record.models).reduce((a, m) => a + m.total, 0);
    const sync = await runCli(['sync'], s);
    expect(sync.code, sync.stderr).toBe(0);
    // The scraper scrapes every 15 s (prometheus/prometheus.team.yml), then remote-writes.
    const expr = encodeURIComponent('sum(openai_tokens_total{token_type="total"})');
    const seen = await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${query}/api/v1/query?query=${expr}`);
        const body = (await r.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1];
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: 'the synced run in Thanos query' },
    );
    expect(Number(seen)).toBe(total);
    // Its trace went through a replica into Jaeger.
    const traceId = runTraceId(record);
    const spans = await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${jaeger.queryHttp}/api/traces/${traceId}`);
        if (r.status !== 200) return undefined;
        const body = (await r.json()) as { data?: { spans: { operationName: string }[] }[] };
        return body.data?.[0]?.spans;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: `trace ${traceId} in the team's Jaeger` },
    );
    expect(spans.map((sp) => sp.operationName)).toContain('agent_query');

    // doctor sees the tier: all healthy, then Jaeger stopped behind its back.
    const teamCheckOf = async () => {
      const r = await runCli(['doctor', '--json'], s, 90_000);
      const checks = JSON.parse(r.stdout) as { name: string; ok: boolean; detail: string }[];
      return checks.find((c) => c.name === 'team stack');
    };
    expect(await teamCheckOf()).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^8 processes healthy: /),
    });
    const jaegerPid = Number(fs.readFileSync(path.join(teamDir, 'jaeger.pid'), 'utf8'));
    process.kill(jaegerPid, 'SIGTERM');
    await waitFor(() => !isProcessAlive(jaegerPid), { timeoutMs: 20_000, what: 'Jaeger to stop' });
    expect(await teamCheckOf()).toMatchObject({ ok: false, detail: '1 of 8 not healthy: jaeger (stopped)' });

    const down = await runCli(['stack', 'down', '--team'], s, 60_000);
    expect(down.code, down.stderr).toBe(0);
    running = undefined;
    expect(down.stderr).toMatch(/stopped .*collector-1/);
    expect(down.stderr).toMatch(/stopped .*alertmanager.*collector-1/);
    for (const port of [base, base + REPLICA_PORT_STEP, query, block, block + 21, block + 22])
      expect(await canListen(port), `port ${port}`).toBe(true);
    for (const port of Object.values(jaeger)) expect(await canListen(port), `port ${port}`).toBe(true);
    expect(pids.filter((pid) => isProcessAlive(pid))).toEqual([]);
    const after = await runCli(['stack', 'status', '--team'], s);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^query\s+stopped\s/m);
    expect(after.stderr).toMatch(/^jaeger\s+stopped\s/m);
    expect(fs.existsSync(path.join(s.otelHome, 'stack', 'team', 'layout.json'))).toBe(true);
  });
});
