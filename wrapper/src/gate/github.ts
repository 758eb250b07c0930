// What a gate tells GitHub Actions: an ::error:: annotation when over budget, a markdown summary
// for $GITHUB_STEP_SUMMARY, and step outputs (cost_usd, tokens, within_budget) for $GITHUB_OUTPUT.
import { formatInt, formatUsd } from '../report/format-values.js';
import type { GateResult } from './decide.js';

/** Workflow commands must not contain raw newlines, % or : in properties; the message escapes %, CR, LF. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function annotation(result: GateResult): string | undefined {
  if (result.within_budget) return undefined;
  return `::error title=claude-otel cost gate::${escapeData(`${result.scope}: ${result.reasons.join('; ')}`)}`;
}

export function stepSummary(result: GateResult): string {
  const t = result.totals;
  const verdict = result.within_budget ? '✅ within budget' : '❌ over budget';
  const lines = [
    `### claude-otel cost gate: ${verdict}`,
    '',
    `Scope: ${result.scope}`,
    '',
    '| measure | used | budget |',
    '| --- | ---: | ---: |',
    `| cost (USD) | ${formatUsd(t.cost_usd)} | ${formatUsd(result.max_usd)} |`,
    `| tokens | ${formatInt(t.tokens.total)} | ${result.max_tokens === null ? '-' : formatInt(result.max_tokens)} |`,
    `| runs | ${formatInt(t.runs)} | |`,
    `| turns | ${formatInt(t.turns)} | |`,
    `| input / output tokens | ${formatInt(t.tokens.prompt)} / ${formatInt(t.tokens.completion)} | |`,
    `| cache read / write tokens | ${formatInt(t.tokens.cache_read)} / ${formatInt(t.tokens.cache_creation)} | |`,
  ];
  for (const reason of result.reasons) lines.push('', `- ${reason}`);
  if (result.unknown_models.length > 0) {
    lines.push(
      '',
      `> Not in the price table: ${result.unknown_models.join(', ')} (their cost is Claude Code's own estimate where it reported one, else not counted).`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

export function stepOutputs(result: GateResult): string {
  return [
    `cost_usd=${Math.round(result.totals.cost_usd * 1e6) / 1e6}`,
    `tokens=${result.totals.tokens.total}`,
    `within_budget=${result.within_budget}`,
    `runs=${result.totals.runs}`,
    '',
  ].join('\n');
}
