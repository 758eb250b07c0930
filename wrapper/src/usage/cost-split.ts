// How a run's cost and its one histogram count are split over the models it used: the metric
// contract's rule (export/metric-points.ts), also used by reports, spans, doctor and the subagent
// split, so every path puts a dollar under the same model.
import type { RunRecord } from '../ledger/schema.js';

/** The model label of a run that reported no model (spawn error, killed before the first reply). */
export const NO_MODEL = 'unknown';

/**
 * The model a run's duration is counted under: the one that cost most (then most tokens, then
 * name). A run is counted once in the histogram, so `_count` is the number of runs; a side call
 * to a second model does not make a second run. Tokens and cost count under every model.
 */
export function primaryModel(record: Pick<RunRecord, 'models'>): string {
  const entries = Object.entries(record.models);
  if (entries.length === 0) return NO_MODEL;
  entries.sort(([a, ua], [b, ub]) => {
    const cost = (ub.cost_usd ?? 0) - (ua.cost_usd ?? 0);
    if (cost !== 0) return cost;
    if (ub.total !== ua.total) return ub.total - ua.total;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return entries[0]?.[0] ?? NO_MODEL;
}

/**
 * Per-model cost in US dollars that sums to the run's cost (the ledger's figure, which is
 * Claude Code's total when it reported one): model shares are scaled to the total, and a
 * total with no per-model figures goes to the primary model.
 */
export function costByModel(record: Pick<RunRecord, 'models' | 'cost_usd'>): Record<string, number> {
  const out: Record<string, number> = {};
  const models = Object.entries(record.models);
  const known = models.reduce((sum, [, u]) => sum + (u.cost_usd ?? 0), 0);
  if (record.cost_usd <= 0) return out;
  if (known > 0) {
    for (const [model, u] of models) {
      const share = u.cost_usd ?? 0;
      // share / known is exactly 1 for a one-model run, so its cost is carried over unchanged.
      if (share > 0) out[model] = record.cost_usd * (share / known);
    }
    return out;
  }
  out[primaryModel(record)] = record.cost_usd;
  return out;
}
