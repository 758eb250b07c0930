// Export with the collector down, hung, or restarted: the run's added time stays bounded,
// unsent runs stay pending and are sent later exactly once, and window totals stay exact
// across a collector restart.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPendingWith, syncPending } from '../../src/export/export-pending.js';
import { startExporter } from '../../src/export/exporter.js';
import { appendRunRecord } from '../../src/ledger/append.js';
import { pendingRunIds, readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { variedRun } from '../support/collector-fixtures.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { compareTotals } from '../support/prometheus-totals.js';
import { waitFor } from '../support/wait-for.js';

let collector: TestCollector;
let prom: TestPrometheus;
const dirs: string[] = [];
const ledgerEnv = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-ledger-'));
  dirs.push(dir);
  return { ...process.env, CLAUDE_OTEL_HOME: dir, OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint };
};

beforeAll(async () => {
  collector = await startCollector();
  prom = await startPrometheus(collector.metricsTarget, 500);
});

afterAll(async () => {
  await prom?.stop();
  await collector?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * One wrapped run's export as the run core does it: append, then export what is pending. The
 * exporter is created after the append: its probe's timer (at most 1000 ms) would otherwise run
 * through the synchronous append (fsyncs), and Node runs an expired timer before it reads the
 * connect, so a slow disk made a collector that is up look unreachable.
 */
async function runAndExport(env: NodeJS.ProcessEnv, i: number, operation: string) {
  const record = appendRunRecord(variedRun(i, { operation }), env);
  const exporter = startExporter({ endpoint: collector.grpcEndpoint });
  const started = Date.now();
  const result = await exportPendingWith(exporter, { env, records: [record], deadline: started + 2000 });
  return { record, result, ms: Date.now() - started };
}

describe('export bounds', () => {
  it('a refused connection fails in milliseconds and keeps the run pending', async () => {
    const env = ledgerEnv();
    await collector.stop();
    try {
      const { record, result, ms } = await runAndExport(env, 1, 'bounds-refused');
      expect(result.sent).toEqual([]);
      expect(result.error).toMatch(/unreachable|ECONNREFUSED/);
      // Milliseconds expected; 750 leaves room for a loaded machine and stays below the probe's
      // 1000 ms cap (min(timeout 2000, 1000)) and the 2000 ms deadline, where a refused connection
      // handled as a silent one (or retried until the deadline) would end.
      expect(ms).toBeLessThan(750);
      expect(pendingRunIds(env).map((p) => p.run_id)).toEqual([record.run_id]);
    } finally {
      await collector.start();
    }
  });

  it('a hung collector costs at most the timeout', async () => {
    const sockets: net.Socket[] = [];
    const hung = net.createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as net.AddressInfo).port;
    try {
      const exporter = startExporter({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 1500 });
      const run = variedRun(2);
      const started = Date.now();
      // A timer of the same length started at the same moment: a loaded event loop runs it as late
      // as the exporter's deadline timer, so that lateness cancels out of the bound.
      const control = new Promise<number>((resolve) => setTimeout(() => resolve(Date.now()), 1500));
      const result = await exporter.exportRuns([run]);
      const ms = Date.now() - started;
      const controlMs = (await control) - started;
      expect(result.sent).toEqual([]);
      expect(result.error).toBeDefined();
      expect(ms, `the control 1500 ms timer fired after ${controlMs} ms`).toBeLessThan(controlMs + 300);
    } finally {
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });
});

describe('collector down for 3 runs, then back', () => {
  it('the runs stay pending, sync sends each once, the next run adds only itself', async () => {
    const op = 'down-3';
    const env = ledgerEnv();
    await collector.stop();
    const down: RunRecord[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const { record, result, ms } = await runAndExport(env, 10 + i, op);
        expect(result.sent).toEqual([]);
        expect(ms).toBeLessThan(2000);
        down.push(record);
      }
      expect(pendingRunIds(env)).toHaveLength(3);
    } finally {
      await collector.start();
    }
    const sync = await syncPending({ env });
    expect(sync.sent.sort()).toEqual(down.map((r) => r.run_id).sort());
    expect(pendingRunIds(env)).toEqual([]);
    expect((await syncPending({ env })).sent).toEqual([]);
    const next = await runAndExport(env, 20, op);
    expect(next.result.sent).toEqual([next.record.run_id]);
    const records = readLedger({ env }).runs;
    expect(records).toHaveLength(4);
    const c = await compareTotals(prom, `operation="${op}"`, records);
    expect(c.prometheus.tokens).toEqual(c.ledger.tokens);
    expect(c.prometheus.runs).toBe(4);
    expect(c.prometheus.costCents).toBeCloseTo(c.ledger.costCents, 9);
  });
});

describe('collector restarted between runs', () => {
  it('the counter restarts from zero and increase(... anchored) over the window stays exact', async () => {
    const op = 'restart';
    const env = ledgerEnv();
    const total = (records: RunRecord[]) =>
      records.reduce((s, r) => s + Object.values(r.models).reduce((t, u) => t + u.total, 0), 0);
    const send = async (n: number, seed: number) => {
      const records = Array.from({ length: n }, (_, i) =>
        appendRunRecord(variedRun(seed + i, { operation: op }), env),
      );
      // After the appends, for the reason given at runAndExport.
      const exporter = startExporter({ endpoint: collector.grpcEndpoint });
      const result = await exportPendingWith(exporter, { env, records, deadline: Date.now() + 5000 });
      expect(result.sent).toHaveLength(n);
      return records;
    };
    const selector = `operation="${op}",token_type="total"`;
    const first = await send(5, 100);
    await waitFor(async () => (await prom.scalar(`sum(openai_tokens_total{${selector}})`)) === total(first), {
      what: 'the first 5 runs in Prometheus',
    });
    await collector.stop();
    await collector.start();
    const second = await send(20, 200);
    const third = await send(3, 300);
    const after = total([...second, ...third]);
    // The collector's running total starts again from zero (its state is in memory)...
    await waitFor(async () => (await prom.scalar(`sum(openai_tokens_total{${selector}})`)) === after, {
      what: 'the runs after the restart in Prometheus',
    });
    // ...and the window total counts the reset: 5 + 20 + 3 runs, exactly.
    const windowTotal = await prom.scalar(`sum(increase(openai_tokens_total{${selector}}[10m] anchored))`);
    expect(windowTotal).toBe(total([...first, ...second, ...third]));
    const runs = await prom.scalar(
      `sum(increase(openai_request_duration_ms_count{operation="${op}"}[10m] anchored))`,
    );
    expect(runs).toBe(28);
  });
});
