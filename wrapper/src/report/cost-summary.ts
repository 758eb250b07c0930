// What `cost` computes: the totals of one session (the last run's by default) and of today.
import type { ReportRun } from '../ledger/report-run.js';
import { matchIdPrefix } from './id-prefix.js';
import { addRun, type Totals, zeroTotals } from './totals.js';

const SESSION_HINT =
  'give a session id or a unique prefix of one, from claude-otel report --breakdown session';

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
  const last = all.at(-1);
  const id =
    session !== undefined
      ? (matchIdPrefix(all.map(sessionOf), session, 'session', SESSION_HINT) ?? session.trim())
      : last && sessionOf(last);
  const sessionTotals = zeroTotals();
  const todayTotals = zeroTotals();
  for (const r of all) {
    if (id !== undefined && sessionOf(r) === id) addRun(sessionTotals, r);
    const at = Date.parse(r.started_at);
    if (at >= today.since.getTime() && at <= today.until.getTime()) addRun(todayTotals, r);
  }
  return { session: id === undefined ? null : { id, totals: sessionTotals }, today: todayTotals };
}
