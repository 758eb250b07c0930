// What `cost` computes: the totals of one session (the last run's by default) and of today.
import type { ReportRun } from '../ledger/report-run.js';
import { addRun, type Totals, zeroTotals } from './totals.js';

export interface CostSummary {
  session: { id: string; totals: Totals } | null;
  today: Totals;
}

export function summarizeCost(
  all: ReportRun[],
  today: { since: Date; until: Date },
  session?: string,
): CostSummary {
  const sessionOf = (r: ReportRun) => r.session_id ?? r.run_id;
  const id = session ?? (all.length > 0 ? sessionOf(all[all.length - 1]!) : undefined);
  const sessionTotals = zeroTotals();
  const todayTotals = zeroTotals();
  for (const r of all) {
    if (id !== undefined && sessionOf(r) === id) addRun(sessionTotals, r);
    const at = Date.parse(r.started_at);
    if (at >= today.since.getTime() && at <= today.until.getTime()) addRun(todayTotals, r);
  }
  return { session: id === undefined ? null : { id, totals: sessionTotals }, today: todayTotals };
}
