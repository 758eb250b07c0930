// What the live monitor shows: runs in progress (from their running markers), recent finished runs
// (newest first), totals, and the burn rate (cost and tokens per hour over the last BURN_WINDOW).
// Pure: the same runs, markers and clock give the same view.
import type { ReportRun } from '../ledger/report-run.js';
import { addRun, type Totals, zeroTotals } from '../report/totals.js';
import type { RunningMarker } from '../running/markers.js';

export const BURN_WINDOW_MS = 15 * 60_000;
export const RECENT_ROWS = 15;

export interface RunningRun {
  run_id: string;
  invocation_id: string;
  operation: string;
  agent: string;
  started_at: string;
  elapsed_ms: number;
  turns: number;
  model: string;
  /** As streamed so far (output counts lag until the run's result arrives). */
  tokens: number;
  cost_usd_estimate: number;
}

export interface Snapshot {
  at: string;
  totals: Totals;
  burn: { usd_per_hour: number; tokens_per_hour: number };
  /** Invocations (swarms, runs) still producing records in the last minute, or running now. */
  active: string[];
  /** Oldest first, so rows keep their place while they run. */
  running: RunningRun[];
  recent: ReportRun[];
}

export function takeSnapshot(runs: ReportRun[], now: number, markers: RunningMarker[] = []): Snapshot {
  const totals = zeroTotals();
  const burn = zeroTotals();
  const active = new Set<string>();
  const finished = new Set<string>();
  for (const r of runs) {
    addRun(totals, r);
    finished.add(r.run_id);
    const ended = Date.parse(r.ended_at);
    if (ended >= now - BURN_WINDOW_MS) addRun(burn, r);
    if (ended >= now - 60_000) active.add(r.invocation_id);
  }
  // A marker outlives its ledger record by a moment: the record wins.
  const running = markers
    .filter((m) => !finished.has(m.run_id))
    .map((m) => ({
      run_id: m.run_id,
      invocation_id: m.invocation_id,
      operation: m.operation,
      agent: m.agent,
      started_at: m.started_at,
      elapsed_ms: Math.max(0, now - Date.parse(m.started_at)),
      turns: m.turns,
      model: m.models[0] ?? '-',
      tokens: m.tokens.total,
      cost_usd_estimate: m.cost_usd_estimate,
    }))
    .sort((a, b) => a.started_at.localeCompare(b.started_at) || a.run_id.localeCompare(b.run_id));
  for (const r of running) active.add(r.invocation_id);
  const perHour = 3_600_000 / BURN_WINDOW_MS;
  return {
    at: new Date(now).toISOString(),
    totals,
    burn: { usd_per_hour: burn.cost_usd * perHour, tokens_per_hour: burn.tokens.total * perHour },
    active: [...active].sort(),
    running,
    recent: [...runs].reverse().slice(0, RECENT_ROWS),
  };
}

export function runTokens(r: ReportRun): number {
  let n = 0;
  for (const model in r.models) n += r.models[model]!.total;
  return n;
}
