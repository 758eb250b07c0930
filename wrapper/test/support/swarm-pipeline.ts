// Per-model totals on both sides of the pipeline for the swarm end-to-end test: what the ledger
// says each model used and cost and how many runs it carried, and what Prometheus shows for the
// same, read either as raw counters or as anchored window increases (exact across a collector
// restart, which resets the collector's cumulative streams).
import { expect } from 'vitest';
import type { RunRecord } from '../../src/ledger/schema.js';
import type { TestPrometheus } from './prometheus.js';
import { settle, waitFor } from './wait-for.js';

const TOKEN_TYPES = ['prompt', 'completion', 'cache_read', 'cache_creation', 'total'] as const;

export interface ModelTotals {
  /** `model/token_type` → tokens (zero entries left out: the exporter sends no zero points). */
  tokens: Record<string, number>;
  /** model → US cents. */
  costCents: Record<string, number>;
  /** model → runs counted in openai_request_duration_ms_count. */
  runs: Record<string, number>;
}

/** The model a run's duration is counted under (the metric contract): highest cost, then tokens, then name. */
function durationModel(record: RunRecord): string {
  const entries = Object.entries(record.models);
  entries.sort(
    ([a, ua], [b, ub]) =>
      (ub.cost_usd ?? 0) - (ua.cost_usd ?? 0) || ub.total - ua.total || (a < b ? -1 : a > b ? 1 : 0),
  );
  return entries[0]?.[0] ?? 'unknown';
}

export function ledgerTotals(records: RunRecord[]): ModelTotals {
  const out: ModelTotals = { tokens: {}, costCents: {}, runs: {} };
  for (const r of records) {
    const models = Object.entries(r.models);
    const known = models.reduce((s, [, u]) => s + (u.cost_usd ?? 0), 0);
    for (const [model, u] of models) {
      for (const t of TOKEN_TYPES) {
        if (u[t] > 0) out.tokens[`${model}/${t}`] = (out.tokens[`${model}/${t}`] ?? 0) + u[t];
      }
      // The run's cost split by Claude Code's per-model figures (one model: the run's cost).
      const share = known > 0 ? (u.cost_usd ?? 0) / known : 0;
      if (share > 0) out.costCents[model] = (out.costCents[model] ?? 0) + r.cost_usd * share * 100;
    }
    const model = durationModel(r);
    out.runs[model] = (out.runs[model] ?? 0) + 1;
  }
  return out;
}

export type ReadMode = 'raw' | 'increase';

function wrap(mode: ReadMode, series: string, selector: string, window: string): string {
  return mode === 'raw' ? `${series}{${selector}}` : `increase(${series}{${selector}}[${window}] anchored)`;
}

export async function promTotals(
  prom: TestPrometheus,
  selector: string,
  mode: ReadMode,
  window = '1h',
): Promise<ModelTotals> {
  const out: ModelTotals = { tokens: {}, costCents: {}, runs: {} };
  for (const s of await prom.query(
    `sum by (model, token_type) (${wrap(mode, 'openai_tokens_total', selector, window)})`,
  )) {
    if (s.value !== 0) out.tokens[`${s.labels.model}/${s.labels.token_type}`] = s.value;
  }
  for (const s of await prom.query(
    `sum by (model) (${wrap(mode, 'openai_token_cost_total', selector, window)})`,
  )) {
    if (s.value !== 0) out.costCents[s.labels.model ?? ''] = s.value;
  }
  for (const s of await prom.query(
    `sum by (model) (${wrap(mode, 'openai_request_duration_ms_count', selector, window)})`,
  )) {
    if (s.value !== 0) out.runs[s.labels.model ?? ''] = s.value;
  }
  return out;
}

/** Relative difference of two cent figures (0 when both are 0). */
export function relativeError(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

function sameIntegers(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** Token and run counts equal exactly and every model's cost within `costTolerance` (relative). */
export function totalsMatch(prom: ModelTotals, ledger: ModelTotals, costTolerance = 1e-9): boolean {
  if (!sameIntegers(prom.tokens, ledger.tokens) || !sameIntegers(prom.runs, ledger.runs)) return false;
  const models = new Set([...Object.keys(prom.costCents), ...Object.keys(ledger.costCents)]);
  return [...models].every(
    (m) => relativeError(prom.costCents[m] ?? 0, ledger.costCents[m] ?? 0) <= costTolerance,
  );
}

/**
 * Waits until Prometheus shows the ledger's totals (metrics arrive a scrape or two after the run),
 * then returns both sides, matching or not, so the test asserts and a failure shows the values.
 */
export async function awaitTotals(
  prom: TestPrometheus,
  selector: string,
  records: RunRecord[],
  mode: ReadMode,
  timeoutMs = 20_000,
): Promise<{ prometheus: ModelTotals; ledger: ModelTotals }> {
  const ledger = ledgerTotals(records);
  await settle(async () => totalsMatch(await promTotals(prom, selector, mode), ledger), {
    timeoutMs,
    intervalMs: 250,
  });
  return { prometheus: await promTotals(prom, selector, mode), ledger };
}

/**
 * Asserts what awaitTotals returned: tokens and runs per model equal the ledger's exactly, the same
 * models have a cost, and each model's cost is within 1e-9 (relative) of the ledger's.
 */
export function expectExact(c: { prometheus: ModelTotals; ledger: ModelTotals }): void {
  expect(c.prometheus.tokens).toEqual(c.ledger.tokens);
  expect(c.prometheus.runs).toEqual(c.ledger.runs);
  expect(Object.keys(c.prometheus.costCents).sort()).toEqual(Object.keys(c.ledger.costCents).sort());
  for (const [model, cents] of Object.entries(c.ledger.costCents)) {
    const got = c.prometheus.costCents[model] ?? Number.NaN;
    expect(relativeError(got, cents), `${model}: ${got} cents vs ledger ${cents}`).toBeLessThanOrEqual(1e-9);
  }
}

/** Waits until Prometheus has scraped the collector `scrapes` times after `sinceMs` (no bare sleeps). */
export async function awaitScrapesAfter(prom: TestPrometheus, sinceMs: number, scrapes = 2): Promise<void> {
  const after = sinceMs / 1000 + (scrapes * prom.scrapeIntervalMs) / 1000;
  await waitFor(
    async () => {
      const [s] = await prom.query('timestamp(up{job="otel-collector"})');
      return s !== undefined && s.value >= after;
    },
    { timeoutMs: 10_000 + scrapes * prom.scrapeIntervalMs, intervalMs: 100, what: `${scrapes} scrapes` },
  );
}
