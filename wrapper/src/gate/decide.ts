// Decides a cost gate: sums the runs in scope and compares them with the budget. Pure.
import type { ReportRun } from '../ledger/report-run.js';
import { formatUsd } from '../report/format-values.js';
import { addRun, type Totals, zeroTotals } from '../report/totals.js';
import { describeScope, type GateScope, inScope } from './scope.js';

export interface GateLimits {
  maxUsd: number;
  maxTokens?: number | undefined;
}

export interface GateResult {
  scope: string;
  within_budget: boolean;
  totals: Totals;
  max_usd: number;
  max_tokens: number | null;
  /** Why the gate failed (empty when within budget). */
  reasons: string[];
  unknown_models: string[];
}

export function decideGate(runs: ReportRun[], scope: GateScope, limits: GateLimits): GateResult {
  const totals = zeroTotals();
  const unknown = new Set<string>();
  for (const run of runs) {
    if (!inScope(run, scope)) continue;
    addRun(totals, run);
    for (const m of run.unknown_models) unknown.add(m);
  }
  const reasons: string[] = [];
  if (totals.cost_usd > limits.maxUsd) {
    reasons.push(`cost ${formatUsd(totals.cost_usd)} is over the budget of ${formatUsd(limits.maxUsd)}`);
  }
  if (limits.maxTokens !== undefined && totals.tokens.total > limits.maxTokens) {
    reasons.push(`${totals.tokens.total} tokens is over the budget of ${limits.maxTokens}`);
  }
  return {
    scope: describeScope(scope),
    within_budget: reasons.length === 0,
    totals,
    max_usd: limits.maxUsd,
    max_tokens: limits.maxTokens ?? null,
    reasons,
    unknown_models: [...unknown].sort(),
  };
}
