// The pictures and tables a gate shows on GitHub (step summary and PR comment): usage by model and
// by agent as markdown tables, the same as Mermaid charts (a pie of cost by model, a bar per
// agent; GitHub renders Mermaid in summaries and comments), and a text bar of the budget used.
import type { BreakdownRow } from '../report/build-report.js';
import { markdownTable } from '../report/format-text.js';
import { USAGE_HEADER, usageCells } from '../report/rows.js';

const BAR_WIDTH = 20;

/** `██████░░░░…` for a share of the budget; full (and marked) when over it. */
export function budgetBar(usedPercent: number | null): string {
  if (usedPercent === null) return '(no budget)';
  const filled = Math.min(BAR_WIDTH, Math.round((usedPercent / 100) * BAR_WIDTH));
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  return `\`${bar}\` ${usedPercent.toFixed(1)}%${usedPercent > 100 ? ' ⚠️ over budget' : ''}`;
}

export function breakdownTable(name: string, rows: BreakdownRow[]): string[] {
  return markdownTable({
    header: [name, ...USAGE_HEADER],
    rows: rows.map((r) => [r.key, ...usageCells(r)]),
    numeric: USAGE_HEADER.map((_, i) => i + 1),
  });
}

/** Mermaid labels sit in double quotes: keep them to characters that cannot end the quote or block. */
function label(text: string): string {
  return text.replace(/["`\\\r\n]/g, '').slice(0, 60) || '?';
}

const usd = (n: number) => Number(n.toFixed(6));

/** A pie of cost by model, or nothing when there is no cost to draw. */
export function costPie(byModel: BreakdownRow[]): string[] {
  const slices = byModel.filter((r) => r.cost_usd > 0);
  if (slices.length === 0) return [];
  return [
    '```mermaid',
    'pie showData title Cost by model (USD)',
    ...slices.map((r) => `    "${label(r.key)}" : ${usd(r.cost_usd)}`),
    '```',
  ];
}

/** A bar chart of cost per agent, or nothing when there is no cost to draw. */
export function agentBars(byAgent: BreakdownRow[]): string[] {
  if (!byAgent.some((r) => r.cost_usd > 0)) return [];
  const top = Math.max(...byAgent.map((r) => r.cost_usd));
  return [
    '```mermaid',
    'xychart-beta',
    '    title "Cost per agent (USD)"',
    `    x-axis [${byAgent.map((r) => `"${label(r.key)}"`).join(', ')}]`,
    `    y-axis "USD" 0 --> ${usd(top * 1.1)}`,
    `    bar [${byAgent.map((r) => usd(r.cost_usd)).join(', ')}]`,
    '```',
  ];
}

/** The tables with their charts beside them, for a summary or a comment. */
export function usageBlocks(byModel: BreakdownRow[], byAgent: BreakdownRow[]): string[] {
  const out: string[] = [];
  if (byModel.length > 0)
    out.push('#### By model', '', ...breakdownTable('model', byModel), '', ...costPie(byModel));
  if (byAgent.length > 0)
    out.push('', '#### By agent', '', ...breakdownTable('agent', byAgent), '', ...agentBars(byAgent));
  return out;
}
