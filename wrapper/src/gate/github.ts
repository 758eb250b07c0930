// What a gate tells GitHub Actions: an ::error:: annotation when over budget (::warning:: for a PR
// comment that could not be posted), a markdown summary with charts for $GITHUB_STEP_SUMMARY, and
// step outputs (cost_usd, tokens, within_budget, runs, budget_used_percent, pr_cost_usd; dollar
// amounts unrounded, as --json gives them).
import { formatInt, formatUsd, usdValue } from '../report/format-values.js';
import type { GateResult } from './decide.js';
import { budgetBar, usageBlocks } from './usage-markdown.js';

/** Workflow commands must not contain raw newlines, % or : in properties; the message escapes %, CR, LF. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function annotation(result: GateResult): string | undefined {
  if (result.within_budget) return undefined;
  return `::error title=claude-otel cost gate::${escapeData(`${result.scope}: ${result.reasons.join('; ')}`)}`;
}

export function warningAnnotation(title: string, message: string): string {
  return `::warning title=${title}::${escapeData(message)}`;
}

/** Extra figures known only in Actions: the PR's running total (null when not on a PR). */
export interface GithubExtras {
  prCostUsd: number | null;
}

export function stepSummary(result: GateResult, extras: GithubExtras = { prCostUsd: null }): string {
  const t = result.totals;
  const verdict = result.within_budget ? '✅ within budget' : '❌ over budget';
  const lines = [
    `### claude-otel cost gate: ${verdict}`,
    '',
    `Scope: ${result.scope}`,
    '',
    '| measure | used | budget |',
    '| --- | ---: | ---: |',
    `| cost (USD) | ${formatUsd(t.cost_usd)} | ${result.max_usd === null ? '-' : formatUsd(result.max_usd)} |`,
    `| tokens | ${formatInt(t.tokens.total)} | ${result.max_tokens === null ? '-' : formatInt(result.max_tokens)} |`,
    `| runs | ${formatInt(t.runs)} | |`,
    ...(extras.prCostUsd === null
      ? []
      : [`| this pull request, all runs (USD) | ${formatUsd(extras.prCostUsd)} | |`]),
    `| turns | ${formatInt(t.turns)} | |`,
    `| input / output tokens | ${formatInt(t.tokens.prompt)} / ${formatInt(t.tokens.completion)} | |`,
    `| cache read / write tokens | ${formatInt(t.tokens.cache_read)} / ${formatInt(t.tokens.cache_creation)} | |`,
  ];
  lines.push('', `Budget used: ${budgetBar(result.budget_used_percent)}`);
  for (const reason of result.reasons) lines.push('', `- ${reason}`);
  lines.push('', ...usageBlocks(result.by_model, result.by_agent));
  if (result.unknown_models.length > 0) {
    lines.push(
      '',
      `> Not in the price table: ${result.unknown_models.join(', ')} (their cost is Claude Code's own estimate where it reported one, else not counted).`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

export function stepOutputs(result: GateResult, extras: GithubExtras = { prCostUsd: null }): string {
  return [
    `cost_usd=${usdValue(result.totals.cost_usd)}`,
    `tokens=${result.totals.tokens.total}`,
    `within_budget=${result.within_budget}`,
    `runs=${result.totals.runs}`,
    `budget_used_percent=${result.budget_used_percent ?? ''}`,
    `pr_cost_usd=${extras.prCostUsd === null ? '' : usdValue(extras.prCostUsd)}`,
    '',
  ].join('\n');
}
