// Decides a cost gate: sums the runs in scope and compares them with the budget, with the same
// breakdowns by model and agent that reports use (for the step summary and the PR comment). Pure.
import { usageError } from '../errors.js';
import type { ReportRun } from '../ledger/report-run.js';
import { type BreakdownRow, buildReport } from '../report/build-report.js';
import { formatUsd } from '../report/format-values.js';
import type { Totals } from '../report/totals.js';
import { describeScope, type GateScope, inScope } from './scope.js';

/** At least one of the two is set (the command checks). */
export interface GateLimits {
  maxUsd?: number | undefined;
  maxTokens?: number | undefined;
}

export interface GateResult {
  scope: string;
  within_budget: boolean;
  totals: Totals;
  /** null when the gate has a token budget only. */
  max_usd: number | null;
  max_tokens: number | null;
  /** Share of max_usd used, in percent (one decimal); null when it is 0 or not set. */
  budget_used_percent: number | null;
  /** Why the gate failed (empty when within budget). */
  reasons: string[];
  unknown_models: string[];
  by_model: BreakdownRow[];
  by_agent: BreakdownRow[];
  /** Each counted ledger run's id and cost: what a PR's running total is kept from. */
  run_costs: Record<string, number>;
  run_tokens: Record<string, number>;
}

function runTokens(run: ReportRun): number {
  let total = 0;
  for (const model in run.models) total += run.models[model]!.total;
  return total;
}

export function budgetUsedPercent(costUsd: number, maxUsd: number): number | null {
  if (maxUsd <= 0) return null;
  return Math.round((costUsd / maxUsd) * 1000) / 10;
}

export function decideGate(runs: ReportRun[], scope: GateScope, limits: GateLimits): GateResult {
  const counted = runs.filter((run) => inScope(run, scope));
  const report = buildReport(counted, {
    window: { since: new Date(0), until: new Date(0) },
    breakdown: ['model', 'agent'],
    costAnalysis: false,
  });
  const { sessions: _sessions, ...totals } = report.totals;
  // One swarm's id names runs that exist: a mistyped id must not pass a gate with nothing counted.
  if (scope.kind === 'swarm' && counted.length === 0) {
    throw usageError(
      `no run matched --scope swarm:${scope.id}`,
      'use the invocation_id that `claude-otel swarm --json` prints (see `claude-otel report --json`)',
    );
  }
  const reasons: string[] = [];
  if (limits.maxUsd !== undefined && totals.cost_usd > limits.maxUsd) {
    reasons.push(`cost ${formatUsd(totals.cost_usd)} is over the budget of ${formatUsd(limits.maxUsd)}`);
  }
  if (limits.maxTokens !== undefined && totals.tokens.total > limits.maxTokens) {
    reasons.push(`${totals.tokens.total} tokens is over the budget of ${limits.maxTokens}`);
  }
  return {
    scope: describeScope(scope),
    within_budget: reasons.length === 0,
    totals,
    max_usd: limits.maxUsd ?? null,
    max_tokens: limits.maxTokens ?? null,
    budget_used_percent:
      limits.maxUsd === undefined ? null : budgetUsedPercent(totals.cost_usd, limits.maxUsd),
    reasons,
    unknown_models: report.unknown_models,
    by_model: report.breakdowns.model ?? [],
    by_agent: report.breakdowns.agent ?? [],
    run_costs: Object.fromEntries(counted.map((run) => [run.run_id, run.cost_usd])),
    run_tokens: Object.fromEntries(counted.map((run) => [run.run_id, runTokens(run)])),
  };
}
