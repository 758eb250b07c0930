// What the live monitor shows: runs of the recent window (newest first), totals, and the burn
// rate (cost and tokens per hour over the last BURN_WINDOW). Pure: the same runs and clock, the same view.
import { formatInt, formatUsd } from '../report/format-values.js';
import type { ReportRun } from '../report/load-runs.js';
import { addRun, type Totals, zeroTotals } from '../report/totals.js';

export const BURN_WINDOW_MS = 15 * 60_000;
export const RECENT_ROWS = 15;

export interface Snapshot {
  at: string;
  totals: Totals;
  burn: { usd_per_hour: number; tokens_per_hour: number };
  /** Invocations (swarms, runs) still producing records in the last minute. */
  active: string[];
  recent: ReportRun[];
}

export function takeSnapshot(runs: ReportRun[], now: number): Snapshot {
  const totals = zeroTotals();
  const burn = zeroTotals();
  const active = new Set<string>();
  for (const r of runs) {
    addRun(totals, r);
    const ended = Date.parse(r.ended_at);
    if (ended >= now - BURN_WINDOW_MS) addRun(burn, r);
    if (ended >= now - 60_000) active.add(r.invocation_id);
  }
  const perHour = 3_600_000 / BURN_WINDOW_MS;
  return {
    at: new Date(now).toISOString(),
    totals,
    burn: { usd_per_hour: burn.cost_usd * perHour, tokens_per_hour: burn.tokens.total * perHour },
    active: [...active].sort(),
    recent: [...runs].reverse().slice(0, RECENT_ROWS),
  };
}

export function renderSnapshot(s: Snapshot, since: string): string {
  const lines = [
    `claude-otel monitor  ${s.at}  (since ${since})`,
    `total ${formatUsd(s.totals.cost_usd)}  ${formatInt(s.totals.tokens.total)} tokens  ${formatInt(s.totals.runs)} runs  ` +
      `${formatInt(s.totals.errors)} errors`,
    `burn  ${formatUsd(s.burn.usd_per_hour)}/h  ${formatInt(s.burn.tokens_per_hour)} tokens/h (last 15 min)` +
      `  active: ${s.active.length === 0 ? '-' : s.active.join(', ')}`,
    '',
    'ended     operation  agent         model                    tokens      cost  status',
  ];
  for (const r of s.recent) {
    const tokens = Object.values(r.models).reduce((a, u) => a + u.total, 0);
    lines.push(
      [
        r.ended_at.slice(11, 19),
        ' ',
        r.operation.padEnd(10).slice(0, 10),
        r.agent.padEnd(13).slice(0, 13),
        (Object.keys(r.models)[0] ?? '-').padEnd(24).slice(0, 24),
        formatInt(tokens).padStart(7),
        formatUsd(r.cost_usd).padStart(9),
        ` ${r.status}`,
      ].join(''),
    );
  }
  if (s.recent.length === 0) lines.push('(no runs yet)');
  return `${lines.join('\n')}\n`;
}

/** One line per refresh when stdout is not a terminal (logs, pipes). */
export function snapshotLine(s: Snapshot): string {
  return (
    `${s.at} runs=${s.totals.runs} tokens=${s.totals.tokens.total} cost_usd=${s.totals.cost_usd.toFixed(6)} ` +
    `burn_usd_per_hour=${s.burn.usd_per_hour.toFixed(6)} active=${s.active.length}\n`
  );
}
