// The sticky pull request comment, pure: its body (this run's cost and tokens by model and agent,
// a budget bar, the PR's running total, the median of recent PRs) and the data it keeps in a
// hidden marker. The comment is the PR's history: each counted ledger run's id with its cost and
// tokens, so a later run adds only runs not already there and nothing is counted twice.
import * as z from 'zod';
import { formatInt, formatUsd } from '../report/format-values.js';
import type { GateResult } from './decide.js';
import { budgetBar, usageBlocks } from './usage-markdown.js';

export const COMMENT_MARKER = '<!-- claude-otel:pr-cost ';
const MARKER_END = ' -->';
/** GitHub refuses comments over 65,536 characters: beyond this many runs the oldest are folded. */
export const MAX_KEPT_RUNS = 400;
export const MEDIAN_OF = 20;

const prDataSchema = z.object({
  v: z.literal(1),
  pr: z.number().int().positive(),
  /** run id -> [cost in USD, tokens] */
  runs: z.record(z.string(), z.tuple([z.number().nonnegative(), z.number().int().nonnegative()])),
  /** Runs folded out of `runs` to keep the comment small. */
  earlier: z.object({ runs: z.number().int(), cost_usd: z.number(), tokens: z.number().int() }),
});
export type PrData = z.infer<typeof prDataSchema>;

/** The data of a comment written by claude-otel, or undefined for any other body. */
export function parsePrData(body: string): PrData | undefined {
  const start = body.indexOf(COMMENT_MARKER);
  if (start === -1) return undefined;
  const end = body.indexOf(MARKER_END, start + COMMENT_MARKER.length);
  if (end === -1) return undefined;
  try {
    const parsed = prDataSchema.safeParse(JSON.parse(body.slice(start + COMMENT_MARKER.length, end)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The PR's data with this run's counted runs added (a run already there is replaced, not added). */
export function mergePrData(previous: PrData | undefined, pr: number, result: GateResult): PrData {
  const runs: PrData['runs'] = { ...(previous?.pr === pr ? previous.runs : {}) };
  const earlier = { ...(previous?.pr === pr ? previous.earlier : { runs: 0, cost_usd: 0, tokens: 0 }) };
  const tokensOf = new Map(Object.entries(result.run_tokens));
  for (const [id, cost] of Object.entries(result.run_costs)) {
    delete runs[id];
    runs[id] = [cost, tokensOf.get(id) ?? 0];
  }
  const ids = Object.keys(runs);
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_KEPT_RUNS))) {
    const [cost, tokens] = runs[id]!;
    earlier.runs++;
    earlier.cost_usd += cost;
    earlier.tokens += tokens;
    delete runs[id];
  }
  return { v: 1, pr, runs, earlier };
}

export interface PrTotal {
  runs: number;
  cost_usd: number;
  tokens: number;
}

export function prTotal(data: PrData): PrTotal {
  const total = { ...data.earlier };
  for (const [cost, tokens] of Object.values(data.runs)) {
    total.runs++;
    total.cost_usd += cost;
    total.tokens += tokens;
  }
  // A plain sum of the stored costs, as report's totals: step outputs and --json carry it unrounded.
  return total;
}

/** Median cost of the most recent other PRs, from their comments' data (newest first). */
export function recentPrMedian(
  others: PrData[],
  currentPr: number,
  limit = MEDIAN_OF,
): { median: number; prs: number } | undefined {
  const seen = new Map<number, number>();
  for (const data of others) {
    if (data.pr === currentPr || seen.has(data.pr)) continue;
    seen.set(data.pr, prTotal(data).cost_usd);
    if (seen.size === limit) break;
  }
  const costs = [...seen.values()].sort((a, b) => a - b);
  if (costs.length === 0) return undefined;
  const mid = Math.floor(costs.length / 2);
  const median = costs.length % 2 === 1 ? costs[mid]! : (costs[mid - 1]! + costs[mid]!) / 2;
  return { median, prs: costs.length };
}

/** JSON inside an HTML comment: `>` escaped so no value can close the comment early. */
function marker(data: PrData): string {
  return `${COMMENT_MARKER}${JSON.stringify(data).replace(/>/g, '\\u003e')}${MARKER_END}`;
}

export interface CommentContext {
  result: GateResult;
  data: PrData;
  median: { median: number; prs: number } | undefined;
  /** e.g. "workflow run 123 attempt 1" */
  source: string;
}

export function renderPrComment({ result, data, median, source }: CommentContext): string {
  const t = result.totals;
  const pr = prTotal(data);
  const verdict = result.within_budget ? '✅ within budget' : '❌ over budget';
  const lines = [
    marker(data),
    `### Claude Code cost of this pull request: ${formatUsd(pr.cost_usd)}`,
    '',
    `This run: **${formatUsd(t.cost_usd)}**, ${formatInt(t.tokens.total)} tokens, ${formatInt(t.runs)} run(s): ${verdict}`,
    '',
    result.max_usd === null
      ? `Budget: ${formatInt(result.max_tokens ?? 0)} tokens`
      : `Budget (${formatUsd(result.max_usd)}): ${budgetBar(result.budget_used_percent)}`,
    '',
    '| | cost | tokens | runs |',
    '| --- | ---: | ---: | ---: |',
    `| this run | ${formatUsd(t.cost_usd)} | ${formatInt(t.tokens.total)} | ${formatInt(t.runs)} |`,
    `| this pull request, all runs | ${formatUsd(pr.cost_usd)} | ${formatInt(pr.tokens)} | ${formatInt(pr.runs)} |`,
  ];
  if (median) {
    const ratio = median.median > 0 ? ` (${(pr.cost_usd / median.median).toFixed(2)}x)` : '';
    lines.push(
      `| median of ${median.prs} recent pull request(s) | ${formatUsd(median.median)}${ratio} | | |`,
    );
  }
  for (const reason of result.reasons) lines.push('', `- ${reason}`);
  lines.push('', ...usageBlocks(result.by_model, result.by_agent));
  lines.push('', `<sub>claude-otel, ${source}. This comment is updated on every run.</sub>`);
  return `${lines.join('\n')}\n`;
}
