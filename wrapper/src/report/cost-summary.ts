// What `cost` computes: the totals of one session (the last run's by default) and of today.
import { ClaudeOtelError, EXIT } from '../errors.js';
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
  const id =
    session === undefined
      ? all.length > 0
        ? sessionOf(all[all.length - 1]!)
        : undefined
      : resolveSession(new Set(all.map(sessionOf)), session);
  const sessionTotals = zeroTotals();
  const todayTotals = zeroTotals();
  for (const r of all) {
    if (id !== undefined && sessionOf(r) === id) addRun(sessionTotals, r);
    const at = Date.parse(r.started_at);
    if (at >= today.since.getTime() && at <= today.until.getTime()) addRun(todayTotals, r);
  }
  return { session: id === undefined ? null : { id, totals: sessionTotals }, today: todayTotals };
}

/** A full session id, or a unique prefix of one (as `show` takes run ids); unknown ones as given. */
function resolveSession(ids: Set<string>, given: string): string {
  const ref = given.trim();
  const hint = 'give a session id or a unique prefix of one, from claude-otel report --breakdown session';
  // The empty prefix matches every session.
  if (ref === '') throw new ClaudeOtelError('the session id is empty', { hint, exitCode: EXIT.usage });
  if (ids.has(ref)) return ref;
  const matches = [...ids].filter((id) => id.startsWith(ref));
  if (matches.length > 1)
    throw new ClaudeOtelError(`'${ref}' matches ${matches.length} sessions`, { hint, exitCode: EXIT.usage });
  return matches[0] ?? ref;
}
