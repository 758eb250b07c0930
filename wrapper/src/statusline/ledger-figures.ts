// Today's cost and the last hour's burn for the status line, without reading the ledger: from the
// ledger's per-day index (ledger/day-index.ts) and the markers of runs still going.
import { readDayIndex } from '../ledger/day-index.js';
import { readRunningMarkers } from '../running/markers.js';

export interface LedgerFigures {
  /** Cost of the runs that started today (local day), runs still going with their live figures. */
  today_usd: number;
  /** Cost of the runs that ended in the last hour: the burn rate in US dollars per hour. */
  last_hour_usd: number;
}

const HOUR_MS = 3_600_000;

/** Sums the index files that can hold runs of today (local) or of the last hour. */
export function readLedgerFigures(
  env: NodeJS.ProcessEnv = process.env,
  now: number = Date.now(),
): LedgerFigures {
  const d = new Date(now);
  const todayStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const hourStart = now - HOUR_MS;
  const figures: LedgerFigures = { today_usd: 0, last_hour_usd: 0 };
  const seen = new Set<string>();
  for (const run of readDayIndex(env, Math.min(todayStart, hourStart), now)) {
    seen.add(run.run_id);
    const started = Date.parse(run.started_at);
    const ended = Date.parse(run.ended_at);
    if (started >= todayStart && started <= now) figures.today_usd += run.cost_usd;
    if (ended > hourStart && ended <= now) figures.last_hour_usd += run.cost_usd;
  }
  // Runs still going count today with their live figures: the running markers monitor reads.
  for (const m of readRunningMarkers(env)) {
    const started = Date.parse(m.started_at);
    if (!seen.has(m.run_id) && started >= todayStart && started <= now)
      figures.today_usd += m.cost_usd_estimate;
  }
  return figures;
}
