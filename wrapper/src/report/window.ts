// Turns --since/--until into a time window. Days are local days (TZ), like the user's calendar:
// a date alone means its start for --since and its end for --until; the default is today.
import { usageError } from '../errors.js';
import { localDate, localDateTime } from './local-time.js';

export interface TimeWindow {
  since: Date;
  until: Date;
}

const DAY_MS = 86_400_000;
const RELATIVE = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

function endOfDay(d: Date): Date {
  return new Date(startOfDay(d).getTime() + DAY_MS - 1);
}

/** Parses one bound: today, yesterday, now, 7d/24h/30m/2w (ago), YYYY-MM-DD, YYYYMMDD, or ISO time. */
export function parseTimeBound(text: string, edge: 'start' | 'end', now: Date): Date {
  const value = text.trim().toLowerCase();
  const dayEdge = edge === 'start' ? startOfDay : endOfDay;
  if (value === 'now') return now;
  if (value === 'today') return dayEdge(now);
  if (value === 'yesterday') return dayEdge(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  const rel = RELATIVE.exec(value);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (UNIT_MS[rel[2]!.toLowerCase()] ?? 0));
  const day = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  if (day) {
    const d = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    if (d.getMonth() === Number(day[2]) - 1) return dayEdge(d);
  } else if (/^\d{4}-\d{2}-\d{2}t/.test(value)) {
    const ms = Date.parse(text.trim());
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw usageError(
    `cannot read the time '${text}'`,
    'use today, yesterday, 7d, 24h, 2026-11-20, 20261120 or an ISO time like 2026-11-20T09:00:00Z',
  );
}

export function resolveWindow(
  options: { since?: string; until?: string },
  now: Date = new Date(),
): TimeWindow {
  const since = parseTimeBound(options.since ?? 'today', 'start', now);
  const until = options.until ? parseTimeBound(options.until, 'end', now) : endOfDay(now);
  if (since.getTime() > until.getTime()) {
    throw usageError(`--since (${localDateTime(since)}) is after --until (${localDateTime(until)})`);
  }
  return { since, until };
}

// Days of whole UTC hours, by the hour's text (YYYY-MM-DDTHH): 100k runs fall in a few hundred hours.
const dayOfHour = new Map<string, string | null>();
const HOUR_MS = 3_600_000;

/** The local calendar day of an instant, as YYYY-MM-DD. */
export function localDay(iso: string): string {
  // Only canonical UTC times share an hour key; an hour that straddles local midnight (zones
  // with half-hour offsets) is worked out per instant.
  if (iso.length === 24 && iso[10] === 'T' && iso.endsWith('Z')) {
    const key = iso.slice(0, 13);
    let day = dayOfHour.get(key);
    if (day === undefined) {
      const start = Date.parse(`${key}:00:00.000Z`);
      const first = dayOf(new Date(start));
      day = !Number.isNaN(start) && first === dayOf(new Date(start + HOUR_MS - 1)) ? first : null;
      dayOfHour.set(key, day);
    }
    if (day !== null) return day;
  }
  return dayOf(new Date(iso));
}

const dayOf = localDate;

/**
 * The window as people read it, in local time: `2026-11-26` for one whole day,
 * `2026-11-01 → 2026-11-30` for whole days, and date and clock time for a bound inside a day.
 */
export function describeWindow(window: TimeWindow): string {
  const { since, until } = window;
  const wholeSince = since.getTime() === startOfDay(since).getTime();
  const wholeUntil = until.getTime() === endOfDay(until).getTime();
  const from = wholeSince ? localDate(since) : localDateTime(since);
  const to = wholeUntil ? localDate(until) : localDateTime(until);
  return wholeSince && wholeUntil && from === to ? from : `${from} → ${to}`;
}
