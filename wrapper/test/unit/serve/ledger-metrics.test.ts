// The exporter's metrics equal the ledger's sums, under the contract's names, labels and buckets.
import { describe, expect, it } from 'vitest';
import { LedgerMetrics } from '../../../src/serve/ledger-metrics.js';
import { DURATION_BUCKETS_MS } from '../../../src/usage/duration-buckets.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { parseProm, sumSeries } from './prom-text.js';

const runs = generateRuns(60);
const ledgerTokens = (type: 'total' | 'cache_read') =>
  runs.reduce((s, r) => s + Object.values(r.models).reduce((a, m) => a + m[type], 0), 0);

describe('LedgerMetrics', () => {
  it('token and cost counters add up to the ledger, each run once', async () => {
    const m = new LedgerMetrics();
    for (const r of runs) m.add(r);
    for (const r of runs.slice(0, 10)) m.add(r);
    const series = parseProm(await m.registry.metrics());
    expect(sumSeries(series, 'openai_tokens_total', { token_type: 'total' })).toBe(ledgerTokens('total'));
    expect(sumSeries(series, 'openai_tokens_total', { token_type: 'cache_read' })).toBe(
      ledgerTokens('cache_read'),
    );
    const cents = runs.reduce((s, r) => s + r.cost_usd, 0) * 100;
    expect(sumSeries(series, 'openai_token_cost_total', {})).toBeCloseTo(cents, 6);
    expect(sumSeries(series, 'openai_request_duration_ms_count', {})).toBe(runs.length);
  });

  it('labels and buckets are the contract, with no per-run identifiers', async () => {
    const m = new LedgerMetrics();
    m.add(runs[0]!);
    const series = parseProm(await m.registry.metrics());
    const token = series.find((s) => s.name === 'openai_tokens_total')!;
    expect(Object.keys(token.labels).sort()).toEqual(['agent', 'model', 'operation', 'status', 'token_type']);
    const cost = series.find((s) => s.name === 'openai_token_cost_total')!;
    expect(Object.keys(cost.labels).sort()).toEqual(['agent', 'model', 'operation', 'status']);
    const les = series.filter((s) => s.name === 'openai_request_duration_ms_bucket').map((s) => s.labels.le);
    expect(les).toEqual([...DURATION_BUCKETS_MS.map(String), '+Inf']);
    expect(series.some((s) => Object.values(s.labels).includes(runs[0]!.run_id))).toBe(false);
  });

  it('a team-mode run carries team, user and project on every series; totals by team add up', async () => {
    const m = new LedgerMetrics();
    m.add(runs[0]!);
    m.add({ ...runs[1]!, identity: { team: 'red', user: 'u-1', project: 'acme/x' } });
    m.add({ ...runs[2]!, identity: { team: 'blue' } });
    const series = parseProm(await m.registry.metrics());
    const tokens = series.filter((s) => s.name === 'openai_tokens_total' && s.labels.token_type === 'total');
    const total = (r: (typeof runs)[number]) => Object.values(r.models).reduce((a, u) => a + u.total, 0);
    expect(sumSeries(series, 'openai_tokens_total', { token_type: 'total', team: 'red' })).toBe(
      total(runs[1]!),
    );
    expect(sumSeries(series, 'openai_tokens_total', { token_type: 'total', team: 'blue' })).toBe(
      total(runs[2]!),
    );
    expect(tokens.find((s) => s.labels.team === 'red')?.labels).toMatchObject({
      user: 'u-1',
      project: 'acme/x',
    });
    expect(tokens.some((s) => s.labels.team === undefined && s.labels.user === undefined)).toBe(true);
    for (const name of ['openai_token_cost_total', 'openai_request_duration_ms_count'])
      expect(series.some((s) => s.name === name && s.labels.team === 'red')).toBe(true);
  });
});
