// serve and the OTel exporter are one metric contract: for the same ledger (multi-model runs and a
// run without a model included), serve's series are exactly the exporter's points summed per
// label set, so `_count` is the number of runs on both paths.
import { describe, expect, it } from 'vitest';
import { type Point, runPoints } from '../../../src/export/metric-points.js';
import { LedgerMetrics } from '../../../src/serve/ledger-metrics.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { syntheticRun } from '../../support/collector-fixtures.js';
import { parseProm, type Sample } from './prom-text.js';

const runs = [...generateRuns(60), syntheticRun({ models: {}, status: 'error' })];

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')}}`;

/** What the exporter sends, summed per series as the collector's cumulative streams hold it. */
function exporterSeries(): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, p: Point, value = p.value) => {
    const k = key(name, p.labels);
    out.set(k, (out.get(k) ?? 0) + value);
  };
  for (const r of runs) {
    const p = runPoints(r);
    for (const t of p.tokens) add('openai_tokens_total', t);
    for (const c of p.cost) add('openai_token_cost_total', c);
    for (const d of p.duration) {
      add('openai_request_duration_ms_count', d, 1);
      add('openai_request_duration_ms_sum', d);
    }
  }
  return out;
}

function serveSeries(samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name.endsWith('_bucket')) continue;
    out.set(key(s.name, s.labels), s.value);
  }
  return out;
}

describe('serve and the exporter share the metric contract', () => {
  it('the fixture ledger has multi-model runs (else this test could not tell the paths apart)', () => {
    expect(runs.filter((r) => Object.keys(r.models).length > 1).length).toBeGreaterThanOrEqual(5);
  });

  it('serve shows exactly the exporter series and values for the same ledger', async () => {
    const m = new LedgerMetrics();
    for (const r of runs) m.add(r);
    const served = serveSeries(parseProm(await m.registry.metrics()));
    const exported = exporterSeries();
    expect([...served.keys()].sort()).toEqual([...exported.keys()].sort());
    for (const [k, v] of exported) {
      if (k.startsWith('openai_token_cost_total')) expect(served.get(k), k).toBeCloseTo(v, 9);
      else expect(served.get(k), k).toBe(v);
    }
  });

  it('_count is the number of runs, each counted once (a two-model run is one run)', async () => {
    const m = new LedgerMetrics();
    for (const r of runs) m.add(r);
    const samples = parseProm(await m.registry.metrics());
    const count = samples
      .filter((s) => s.name === 'openai_request_duration_ms_count')
      .reduce((sum, s) => sum + s.value, 0);
    expect(count).toBe(runs.length);
    const errors = samples
      .filter((s) => s.name === 'openai_request_duration_ms_count' && s.labels.status === 'error')
      .reduce((sum, s) => sum + s.value, 0);
    expect(errors).toBe(runs.filter((r) => r.status === 'error').length);
  });
});
