// The status line's one line, from the payload and the ledger's figures (pure). Each part is
// dropped when its data is missing: API-key users have no plan windows, a new session no cost.
import { formatUsdCompact } from '../format/usd.js';
import type { LedgerFigures } from './ledger-figures.js';
import type { StatusPayload } from './payload.js';

export const PLACEHOLDER = 'claude-otel: no status';
const SEP = ' | ';
export const FIVE_HOURS_S = 5 * 3600;

/** Local clock time HH:MM of an epoch-seconds instant. */
export function clockTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The share (0-100) of a 5-hour window's time gone at `nowMs`, from its reset time. */
export function windowPace(resetsAt: number, nowMs: number): number {
  const gone = nowMs / 1000 - (resetsAt - FIVE_HOURS_S);
  return Math.min(100, Math.max(0, (gone / FIVE_HOURS_S) * 100));
}

/** Whole percent, rounded down: 99.6% used is not yet the limit. */
function percent(value: number): string {
  return `${Math.floor(value)}%`;
}

export function renderStatusLine(
  payload: StatusPayload | undefined,
  figures: LedgerFigures | undefined,
  nowMs: number,
): string {
  if (!payload) return PLACEHOLDER;
  const parts: string[] = [];
  if (payload.session_cost_usd !== undefined)
    parts.push(`${formatUsdCompact(payload.session_cost_usd)} session`);
  if (figures) parts.push(`${formatUsdCompact(figures.today_usd)} today`);
  const five = payload.rate_limits.five_hour;
  if (five) {
    const pace = Math.round(windowPace(five.resets_at, nowMs));
    parts.push(`5h ${percent(five.used_percentage)} (${pace}% of time, resets ${clockTime(five.resets_at)})`);
  }
  const seven = payload.rate_limits.seven_day;
  if (seven) parts.push(`7d ${percent(seven.used_percentage)}`);
  if (figures) parts.push(`${formatUsdCompact(figures.last_hour_usd)}/h`);
  if (payload.context_used_percent !== undefined) parts.push(`ctx ${percent(payload.context_used_percent)}`);
  return parts.length > 0 ? parts.join(SEP) : PLACEHOLDER;
}
