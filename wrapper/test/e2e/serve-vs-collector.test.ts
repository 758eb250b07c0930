// One ledger, two paths to Prometheus: `claude-otel sync` through the real collector, and
// `claude-otel serve` scraped directly. Each real Prometheus must show the same series and values
// for every contract metric, multi-model runs included (`_count` is the number of runs on both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import { generateRuns } from '../fixtures/ledger/generate-ledger.js';
import { type RunningCli, runCli, startCli } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { waitFor } from '../support/wait-for.js';

const now = Date.now();
const runs = generateRuns(24, { seed: 5, start: new Date(now - 30 * 60_000).toISOString(), days: 0.01 });

let dir: string;
let collector: TestCollector;
let viaCollector: TestPrometheus;
let viaServe: TestPrometheus;
let serve: RunningCli;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-vs-collector-'));
  collector = await startCollector();
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    TZ: 'UTC',
    CLAUDE_OTEL_HOME: path.join(dir, 'otel'),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
  };
  for (const r of runs) appendRunRecord(r, env);
  const port = await freePort();
  serve = startCli(['serve', '--port', String(port)], { env, workdir: dir }, 170_000);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).ok, {
    what: 'serve to listen',
    timeoutMs: 20_000,
  });
  const sync = await runCli(['sync', '--timeout', '30'], { env, workdir: dir });
  expect(sync.code, sync.stderr).toBe(0);
  [viaCollector, viaServe] = await Promise.all([
    startPrometheus(collector.metricsTarget, 500),
    startPrometheus(`127.0.0.1:${port}`, 500),
  ]);
}, 120_000);

afterAll(async () => {
  await viaCollector?.stop();
  await viaServe?.stop();
  serve?.kill('SIGTERM');
  await serve?.done;
  await collector?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An instant query's result as `labels → value`, Prometheus' own job/instance labels left out. */
async function byLabels(prom: TestPrometheus, expr: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await prom.query(expr)) {
    const { job: _j, instance: _i, exported_job: _e, ...labels } = s.labels;
    const key = Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(',');
    out[key] = s.value;
  }
  return out;
}

describe('serve and the collector path show the same metrics for one ledger', () => {
  it('has multi-model runs in the ledger', () => {
    expect(runs.filter((r) => Object.keys(r.models).length > 1).length).toBeGreaterThanOrEqual(4);
  });

  it('openai_request_duration_ms_count is the number of runs on both paths, per model too', async () => {
    const count = 'sum(openai_request_duration_ms_count)';
    await waitFor(async () => (await viaCollector.scalar(count)) === runs.length || undefined, {
      what: `the collector path to show ${runs.length} runs`,
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    await waitFor(async () => (await viaServe.scalar(count)) > 0 || undefined, {
      what: 'Prometheus to scrape serve',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(await viaServe.scalar(count)).toBe(runs.length);
    const perSeries = 'sum by (model, operation, status) (openai_request_duration_ms_count)';
    expect(await byLabels(viaServe, perSeries)).toEqual(await byLabels(viaCollector, perSeries));
  });

  it('tokens, cost and duration sums are the same series with the same values', async () => {
    for (const expr of [
      'sum by (model, operation, token_type, status, agent) (openai_tokens_total)',
      'sum by (model, operation, status) (openai_request_duration_ms_sum)',
      'sum by (model, operation, status, le) (openai_request_duration_ms_bucket)',
    ]) {
      expect(await byLabels(viaServe, expr), expr).toEqual(await byLabels(viaCollector, expr));
    }
    const cost = 'sum by (model, operation, status, agent) (openai_token_cost_total)';
    const served = await byLabels(viaServe, cost);
    const collected = await byLabels(viaCollector, cost);
    expect(Object.keys(served).sort()).toEqual(Object.keys(collected).sort());
    for (const [k, v] of Object.entries(collected)) expect(served[k], k).toBeCloseTo(v, 9);
  });
});
