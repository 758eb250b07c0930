// A run's shares in the `subagent` breakdown: its usage by subagent type as the ledger keeps it
// (`main` for the main thread and side calls), or, for a run without subagents (and records
// written before the breakdown existed), the whole run under `main`. The shares add up to the run.
import type { ReportRun } from '../ledger/report-run.js';
import type { SubagentUsageRecord } from '../ledger/schema.js';
import { MAIN_THREAD } from '../transcript/subagent-usage.js';
import { addRun, addTokenCounts, isImported, type Totals } from './totals.js';

export interface SubagentTotals extends Totals {
  /** Subagent invocations (0 for `main`). */
  invocations: number;
}

/** Adds the run's share of one subagent type (the whole run for a run without subagents). */
export function addSubagentShare(
  into: SubagentTotals,
  run: ReportRun,
  share: SubagentUsageRecord | undefined,
) {
  if (!share) {
    addRun(into, run);
    return;
  }
  into.runs++;
  into.turns += run.num_turns;
  if (run.status === 'error') into.errors++;
  if (isImported(run)) into.imported++;
  into.invocations += share.invocations;
  let unpriced = false;
  for (const model in share.models) {
    const u = share.models[model]!;
    addTokenCounts(into.tokens, u);
    if (u.cost_source === 'unknown') unpriced = true;
  }
  into.cost_usd += share.cost_usd;
  if (unpriced) into.unpriced_runs++;
}

/** The subagent types of a run with their shares; `main` alone (undefined share) without any. */
export function subagentShares(run: ReportRun): [string, SubagentUsageRecord | undefined][] {
  return run.subagents ? Object.entries(run.subagents) : [[MAIN_THREAD, undefined]];
}
