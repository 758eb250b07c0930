// Summed usage of a set of runs: run and turn counts, tokens by type, and cost. Always zero-filled,
// so JSON consumers never meet a missing field.

import type { ReportRun } from '../ledger/report-run.js';
import { primaryModel } from '../usage/cost-split.js';
import { type TokenCounts, zeroTokens } from '../usage/tokens.js';

export interface Totals {
  runs: number;
  turns: number;
  errors: number;
  imported: number;
  tokens: TokenCounts;
  cost_usd: number;
  /** Runs with a model whose price is unknown: their cost is understated. */
  unpriced_runs: number;
}

export function zeroTotals(): Totals {
  return { runs: 0, turns: 0, errors: 0, imported: 0, tokens: zeroTokens(), cost_usd: 0, unpriced_runs: 0 };
}

/**
 * Brought in by `import` (or the session hook): only those records end as `imported`. A usage source
 * of `transcript` is not enough: swarm reads a budget-cancelled agent's usage from its transcript too.
 */
export function isImported(run: ReportRun): boolean {
  return run.termination === 'imported';
}

/** addTokens unrolled: reports add 100k+ runs, and the keyed loop was a visible share of that. */
export function addTokenCounts(into: TokenCounts, add: TokenCounts): void {
  into.prompt += add.prompt;
  into.completion += add.completion;
  into.cache_read += add.cache_read;
  into.cache_creation += add.cache_creation;
  into.total += add.total;
}

/** Adds a whole run. */
export function addRun(into: Totals, run: ReportRun): void {
  into.runs++;
  into.turns += run.num_turns;
  if (run.status === 'error') into.errors++;
  if (isImported(run)) into.imported++;
  for (const model in run.models) addTokenCounts(into.tokens, run.models[model]!);
  into.cost_usd += run.cost_usd;
  if (run.unknown_models.length > 0) into.unpriced_runs++;
}

/** Adds one model's share of a run (its tokens and its own cost). */
export function addModelShare(into: Totals, run: ReportRun, model: string): void {
  const usage = run.models[model];
  if (!usage) return;
  into.runs++;
  into.turns += run.num_turns;
  if (run.status === 'error') into.errors++;
  if (isImported(run)) into.imported++;
  addTokenCounts(into.tokens, usage);
  into.cost_usd += modelCost(run, model);
  if (usage.cost_usd === null) into.unpriced_runs++;
}

/**
 * A model's cost within a run. Claude Code reports the run's total; when the per-model figures do
 * not add up to it, the difference is spread over models by their own cost so rows sum to totals.
 * The same shares as the metric contract's costByModel (usage/cost-split.ts), unrolled.
 */
export function modelCost(run: ReportRun, model: string): number {
  // One pass without Object.entries: called once per model of every run in a breakdown.
  let count = 0;
  let sum = 0;
  for (const m in run.models) {
    count++;
    sum += run.models[m]!.cost_usd ?? 0;
  }
  if (count === 1) return run.cost_usd;
  const own = run.models[model]?.cost_usd ?? 0;
  // No per-model figures: the whole cost goes where the metric contract puts it.
  if (sum === 0) return primaryModel(run) === model ? run.cost_usd : 0;
  return (own / sum) * run.cost_usd;
}
