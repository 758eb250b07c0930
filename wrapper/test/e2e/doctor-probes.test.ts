// `claude-otel doctor` against the real collector and Prometheus: the OTLP check is a real export
// under a deadline (a collector that accepts TCP and never answers fails it in time, and the probe
// adds nothing to any series), and a run sent since Prometheus' last scrape is "not scraped yet",
// not a failure.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import { exportedAt } from '../../src/ledger/read.js';
import { CLAUDE_BIN, makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';

let collector: TestCollector;
let prom: TestPrometheus;
let hung: net.Server;
let hungPort: number;
const sockets = new Set<net.Socket>();
const sandboxes: Sandbox[] = [];

function sandbox(extra: NodeJS.ProcessEnv): Sandbox {
  const s = makeSandbox('http://127.0.0.1:9', { CLAUDE_OTEL_CLAUDE_BIN: CLAUDE_BIN, ...extra });
  sandboxes.push(s);
  return s;
}

beforeAll(async () => {
  collector = await startCollector();
  // Scrapes every 10 minutes: the first one comes anywhere in that time, so a run sent now is
  // (almost always) not scraped while doctor looks. The test checks which case it met.
  prom = await startPrometheus(collector.metricsTarget, 600_000, { awaitFirstScrape: false });
  hung = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  hungPort = await freePort();
  await new Promise<void>((resolve) => hung.listen(hungPort, '127.0.0.1', resolve));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => hung?.close(resolve));
  await prom?.stop();
  await collector?.close();
  for (const s of sandboxes) s.cleanup();
});

const line = (stdout: string, name: string) => stdout.split('\n').find((l) => l.includes(` ${name}: `)) ?? '';

describe('doctor probes', () => {
  it('a healthy collector answers a real OTLP export, and the probe counts nothing', async () => {
    const closed = await freePort();
    const s = sandbox({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
      CLAUDE_OTEL_PROMETHEUS_URL: `http://127.0.0.1:${closed}`,
    });
    const r = await runCli(['doctor'], s, 60_000);
    expect(line(r.stdout, 'OTLP collector'), r.stdout).toMatch(
      /^ok\s+OTLP collector: .* answers OTLP exports$/,
    );
    const exposed = await (await fetch(`http://${collector.metricsTarget}/metrics`)).text();
    expect(exposed).not.toMatch(/^(openai|gen_ai|claude_code)_/m);
  });

  it('a collector that accepts TCP but never answers fails within the deadline', async () => {
    const closed = await freePort();
    const s = sandbox({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${hungPort}`,
      CLAUDE_OTEL_PROMETHEUS_URL: `http://127.0.0.1:${closed}`,
    });
    const started = Date.now();
    const r = await runCli(['doctor'], s, 60_000);
    const ms = Date.now() - started;
    expect(r.code).toBe(1);
    expect(sockets.size, 'the probe connected').toBeGreaterThan(0);
    expect(line(r.stdout, 'OTLP collector'), r.stdout).toMatch(
      new RegExp(
        `^FAIL\\s+OTLP collector: no answer to an OTLP export from 127\\.0\\.0\\.1:${hungPort} within 2000 ms`,
      ),
    );
    // The 2 s probe runs beside the other checks; claude --version and start-up make the rest.
    expect(ms).toBeLessThan(15_000);
  });

  it('right after a run, before Prometheus scrapes it, the last run is "not scraped yet", not FAIL', async () => {
    const s = sandbox({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
      CLAUDE_OTEL_PROMETHEUS_URL: prom.url,
    });
    const run = appendRunRecord(syntheticRun({ operation: 'doctor-probe' }), s.env);
    const sync = await runCli(['sync'], s, 60_000);
    expect(sync.code, sync.stderr).toBe(0);
    const sentMs = exportedAt(run.run_id, s.env);
    expect(sentMs).toBeDefined();
    const r = await runCli(['doctor'], s, 60_000);
    const last = line(r.stdout, 'last run in Prometheus');
    expect(last, r.stdout).not.toMatch(/^FAIL/);
    const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { lastScrape: string }[] };
    };
    const lastScrape = Math.max(...targets.data.activeTargets.map((t) => Date.parse(t.lastScrape) || 0));
    if (lastScrape < (sentMs ?? 0) + 1000)
      expect(last).toMatch(/^ok\s+last run in Prometheus: not scraped yet: run /);
    else expect(last).toMatch(/^ok\s+last run in Prometheus: openai_request_duration_ms_count\{.*\} = 1$/);
  });
});
