// One run in detail for `show`: per turn tokens, cost and timing, plus tool calls. A turn's cost is
// the run's cost split by each turn's list price, so turns add up to what the run cost.
import type { RunRecord } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest } from '../pricing/price-usage.js';
import { MAIN_THREAD } from '../transcript/subagent-usage.js';
import { formatInt, formatUsd } from './format-values.js';
import { localDateTime } from './local-time.js';

export interface TurnDetail {
  n: number;
  model: string;
  offset_ms: number;
  duration_ms: number;
  input: number;
  output: number;
  cache_read: number;
  cache_creation: number;
  tool_uses: number;
  cost_usd: number;
  /** The turn stands for usage no message shows (Claude Code's side calls). */
  side_calls: boolean;
}

export function turnDetails(run: RunRecord, table: PriceTable): TurnDetail[] {
  const start = Date.parse(run.started_at);
  const weights = run.turns.map((t) => {
    const price = table.lookup(t.model);
    const usage = {
      input: t.input,
      output: t.output,
      cache_read: t.cache_read,
      cache_creation: t.cache_creation,
      cache_creation_1h: t.cache_creation_1h ?? 0,
    };
    return price ? priceRequest(price.rates, usage) : t.input + t.output + t.cache_read + t.cache_creation;
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  return run.turns.map((t, i) => ({
    n: i + 1,
    model: t.model,
    offset_ms: t.start_ms - start,
    duration_ms: t.end_ms - t.start_ms,
    input: t.input,
    output: t.output,
    cache_read: t.cache_read,
    cache_creation: t.cache_creation,
    tool_uses: t.tool_uses,
    cost_usd: sum === 0 ? 0 : (run.cost_usd * weights[i]!) / sum,
    side_calls: t.side_calls === true,
  }));
}

/** The run's usage by subagent type, most expensive first, then its subagent invocations. */
function subagentLines(run: RunRecord): string[] {
  if (!run.subagents) return [];
  const lines: string[] = [];
  const types = Object.entries(run.subagents).sort((a, b) => b[1].cost_usd - a[1].cost_usd);
  for (const [type, u] of types) {
    const tokens = Object.values(u.models).reduce((n, m) => n + m.total, 0);
    const calls = type === MAIN_THREAD ? 'main thread and side calls' : `${u.invocations} invocation(s)`;
    lines.push(
      `subagent   ${type}: ${calls}, ${formatInt(tokens)} tokens, ${formatUsd(u.cost_usd)} (${Object.keys(u.models).join(', ')})`,
    );
  }
  for (const c of run.subagent_calls ?? []) {
    lines.push(
      `  call     ${c.type} ${c.agent_id}${c.tool_use_id ? ` (Agent call ${c.tool_use_id})` : ''}: ` +
        `${formatInt(c.tokens.total)} tokens, ${formatUsd(c.cost_usd)}`,
    );
  }
  return lines;
}

export function formatRunDetail(run: RunRecord, turns: TurnDetail[]): string {
  const lines = [
    `run        ${run.run_id}`,
    `session    ${run.session_id ?? '-'}`,
    `operation  ${run.operation} (agent ${run.agent}, invocation ${run.invocation_id})`,
    `started    ${localDateTime(new Date(run.started_at))}  (${(run.duration_ms / 1000).toFixed(1)} s` +
      `${run.duration_api_ms === null ? '' : `, API ${(run.duration_api_ms / 1000).toFixed(1)} s`})`,
    `status     ${run.status} (${run.termination}${run.subtype ? `, ${run.subtype}` : ''})`,
    `cost       ${formatUsd(run.cost_usd)} (${run.cost_source})`,
    // Two counts that differ on purpose: report sums Claude Code's num_turns; the table below has a
    // row per API request, subagents' included.
    `turns      ${run.num_turns} by Claude Code's count (report's "turns"); ` +
      `${turns.length} API request(s) below, subagents' included`,
  ];
  for (const [model, u] of Object.entries(run.models)) {
    lines.push(
      `model      ${model}: ${formatInt(u.prompt)} in, ${formatInt(u.completion)} out, ` +
        `${formatInt(u.cache_read)} cache read, ${formatInt(u.cache_creation)} cache write`,
    );
  }
  lines.push(...subagentLines(run));
  lines.push('', ' #  at (s)  took (s)   input  output  cache read  cache write  tools     cost');
  for (const t of turns) {
    lines.push(
      [
        String(t.n).padStart(2),
        (t.offset_ms / 1000).toFixed(1).padStart(7),
        (t.duration_ms / 1000).toFixed(1).padStart(9),
        formatInt(t.input).padStart(7),
        formatInt(t.output).padStart(7),
        formatInt(t.cache_read).padStart(11),
        formatInt(t.cache_creation).padStart(12),
        String(t.tool_uses).padStart(6),
        formatUsd(t.cost_usd).padStart(8),
        ...(t.side_calls ? ['(side calls: in modelUsage, in no message)'] : []),
      ].join(' '),
    );
  }
  if (turns.length === 0) lines.push('(no requests recorded)');
  else if (run.turns_source === 'stream')
    lines.push(
      '(no transcript found: per-turn output is the streamed start value, the run totals are exact)',
    );
  const tools = Object.entries(run.tool_calls);
  if (tools.length > 0) {
    lines.push('', 'tool         calls  errors  time (s)');
    for (const [name, s] of tools.sort((a, b) => b[1].count - a[1].count)) {
      lines.push(
        `${name.padEnd(12)} ${String(s.count).padStart(5)}  ${String(s.errors).padStart(6)}  ${(s.duration_ms / 1000).toFixed(1).padStart(8)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
