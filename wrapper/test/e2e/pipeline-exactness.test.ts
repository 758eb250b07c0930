// Exact totals through the real pipeline: many separate processes export delta metrics at once
// to the real collector (the repo's config), Prometheus scrapes it, and every contract series
// equals the ledger's sum: no run lost, none counted twice, no series per run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncPending } from '../../src/export/export-pending.js';
import { startExporter } from '../../src/export/exporter.js';
import { pendingRunIds, readLedger } from '../../src/ledger/read.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { runWorker } from '../support/collector-workers.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { compareTotals } from '../support/prometheus-totals.js';
import { awaitScrapesAfter } from '../support/swarm-pipeline.js';

// Twelve Node processes on two cores starve each other's event loops; the 2 s bound is tested
// in export-bounds.test.ts, here every worker must get through.
const SLOW_MACHINE = { WORKER_TIMEOUT_MS: '15000' };

let collector: TestCollector;
let prom: TestPrometheus;
const homes: string[] = [];
let sharedHome = '';
const home = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-ledger-'));
  homes.push(dir);
  return dir;
};

beforeAll(async () => {
  collector = await startCollector();
  prom = await startPrometheus(collector.metricsTarget, 500);
});

afterAll(async () => {
  await prom?.stop();
  await collector?.close();
  for (const dir of homes) fs.rmSync(dir, { recursive: true, force: true });
});

function expectExact(c: Awaited<ReturnType<typeof compareTotals>>) {
  expect(c.prometheus.tokens).toEqual(c.ledger.tokens);
  expect(c.prometheus.runs).toBe(c.ledger.runs);
  expect(c.prometheus.durationMs).toBe(c.ledger.durationMs);
  expect(c.prometheus.costCents).toBeCloseTo(c.ledger.costCents, 9);
}

describe('exact totals under concurrency', () => {
  it('12 processes with their own ledgers exporting at the same moment', async () => {
    const op = 'conc-separate';
    const homesHere = Array.from({ length: 12 }, home);
    const results = await Promise.all(
      homesHere.map((h, i) => runWorker(h, collector.grpcEndpoint, 3, i, op, SLOW_MACHINE)),
    );
    for (const r of results) expect(r.error, JSON.stringify(r)).toBeUndefined();
    const records = homesHere.flatMap((h) => readLedger({ env: { CLAUDE_OTEL_HOME: h } }).runs);
    expect(records).toHaveLength(36);
    expect(records.every((r) => r.exported)).toBe(true);
    expectExact(await compareTotals(prom, `operation="${op}"`, records));
    // No per-run identity reached Prometheus: one series per label set, not per run or process.
    const series = await prom.query(`count by (__name__) ({__name__=~"openai_.*", operation="${op}"})`);
    const tokenSeries = series.find((s) => s.labels.__name__ === 'openai_tokens_total')?.value;
    const labelSets = new Set(
      records.flatMap((r) =>
        Object.keys(r.models).flatMap((m) =>
          ['prompt', 'completion', 'cache_read', 'cache_creation', 'total'].map(
            (t) => `${m}|${t}|${r.status}|${r.agent}`,
          ),
        ),
      ),
    );
    expect(tokenSeries).toBe(labelSets.size);
    const labels = await prom.query(`openai_tokens_total{operation="${op}"}`);
    expect(Object.keys(labels[0]?.labels ?? {}).sort()).toEqual(
      [
        '__name__',
        'agent',
        'exported_job',
        'instance',
        'job',
        'model',
        'operation',
        'status',
        'token_type',
      ].sort(),
    );
  });

  it('12 processes sharing one ledger: the lock sends each run exactly once', async () => {
    const op = 'conc-shared';
    const shared = home();
    sharedHome = shared;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        runWorker(shared, collector.grpcEndpoint, 2, 100 + i, op, SLOW_MACHINE),
      ),
    );
    const sentIds = results.flatMap((r) => r.sent);
    expect(new Set(sentIds).size).toBe(sentIds.length);
    // Whatever a worker could not send within its bound, the next sync sends.
    const sync = await syncPending({
      env: { ...process.env, CLAUDE_OTEL_HOME: shared, OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint },
    });
    expect(sync.error).toBeUndefined();
    expect(pendingRunIds({ CLAUDE_OTEL_HOME: shared })).toEqual([]);
    const allSent = [...sentIds, ...sync.sent];
    expect(new Set(allSent).size).toBe(24);
    expect(allSent).toHaveLength(24);
    const exportLines = fs
      .readFileSync(path.join(shared, 'ledger', 'exports.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(exportLines).toHaveLength(24);
    const records = readLedger({ env: { CLAUDE_OTEL_HOME: shared } }).runs;
    expectExact(await compareTotals(prom, `operation="${op}"`, records));
  });

  it('200 concurrent single-run deltas on one stream all count', async () => {
    const op = 'conc-one-stream';
    // Same labels, overlapping windows, separate gRPC channels: the case deltatocumulative alone drops.
    const records = Array.from({ length: 200 }, () => syntheticRun({ operation: op, agent: 'agent_1' }));
    const results = await Promise.all(
      records.map((r) =>
        startExporter({ endpoint: collector.grpcEndpoint, timeoutMs: 20_000 }).exportRuns([r]),
      ),
    );
    expect(results.flatMap((r) => r.sent)).toHaveLength(200);
    expectExact(await compareTotals(prom, `operation="${op}"`, records));
  });

  it('a second sync sends nothing and the totals stay put', async () => {
    const op = 'conc-shared';
    const shared = sharedHome;
    const sync = await syncPending({
      env: { ...process.env, CLAUDE_OTEL_HOME: shared, OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint },
    });
    const syncDone = Date.now();
    expect(sync.sent).toEqual([]);
    const records = readLedger({ env: { CLAUDE_OTEL_HOME: shared } }).runs;
    // Whatever this sync sent, the collector had accepted it by now: two scrapes begun after this
    // moment show it (a bare sleep could end before they happened on a loaded machine), then the
    // totals must still equal the ledger's.
    await awaitScrapesAfter(prom, syncDone, 2);
    expectExact(await compareTotals(prom, `operation="${op}"`, records, 1000));
  });
});
