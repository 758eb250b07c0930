// A verdict on prompt caching per session, from the trend of its requests (turns when recorded,
// else whole runs): healthy when the cache is read back steadily after the first request; warning
// signs are no caching, writes never read back, a low or falling hit ratio, and frequent rewrites.
import type { ReportRun, ReportTurn } from '../ledger/report-run.js';

/** Fewer input tokens than this cannot be cached at all (the API's minimum cacheable prompt). */
export const MIN_CACHEABLE_TOKENS = 1024;
/** After the first request, a healthy session reads at least this share of its input from cache. */
export const HEALTHY_HIT_RATIO = 0.6;
/** Below this steady-state hit ratio caching is mostly wasted. */
export const LOW_HIT_RATIO = 0.3;
/** More cache-write tokens than this per cache-read token after the first request: the prefix keeps changing. */
export const REWRITE_RATIO = 0.5;
/** A drop of the hit ratio between the first and last third of a session larger than this is a falling trend. */
export const FALLING_TREND = 0.2;

export type Verdict = 'healthy' | 'warning' | 'too_small';

export interface CacheHealth {
  session: string;
  verdict: Verdict;
  reasons: string[];
  requests: number;
  /** cache_read / all input, over the whole session. */
  hit_ratio: number;
  /** The same after the session's first request (the first one has nothing to read). */
  steady_hit_ratio: number;
}

/** A request: a recorded turn itself (no copy: sessions hold hundreds of thousands), or a whole run. */
type Point = ReportTurn;

function addPoints(run: ReportRun, into: Point[]): void {
  if (run.turns && run.turns.length > 0) {
    for (const t of run.turns) into.push(t);
    return;
  }
  const p: Point = { start_ms: Date.parse(run.started_at), input: 0, cache_read: 0, cache_creation: 0 };
  for (const u of Object.values(run.models)) {
    p.input += u.prompt;
    p.cache_read += u.cache_read;
    p.cache_creation += u.cache_creation;
  }
  into.push(p);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Over points[from, to): index ranges rather than slices, as this runs for every session. */
function ratio(
  points: Point[],
  from: number,
  to: number = points.length,
): { read: number; write: number; all: number; hit: number } {
  let read = 0;
  let write = 0;
  let all = 0;
  for (let i = Math.max(from, 0), end = Math.min(to, points.length); i < end; i++) {
    const p = points[i]!;
    read += p.cache_read;
    write += p.cache_creation;
    all += p.input + p.cache_read + p.cache_creation;
  }
  return { read, write, all, hit: all === 0 ? 0 : read / all };
}

export function judgeSession(session: string, runs: ReportRun[]): CacheHealth {
  const points: Point[] = [];
  for (const run of runs) addPoints(run, points);
  points.sort((a, b) => a.start_ms - b.start_ms);
  const whole = ratio(points, 0);
  const rest = ratio(points, 1);
  const base = { session, requests: points.length, hit_ratio: whole.hit, steady_hit_ratio: rest.hit };
  if (whole.all < MIN_CACHEABLE_TOKENS) {
    return { ...base, verdict: 'too_small', reasons: ['too little input to cache'] };
  }
  const reasons: string[] = [];
  if (whole.read === 0 && whole.write === 0) {
    reasons.push('no prompt caching: nothing was written to or read from the cache');
  } else if (whole.read === 0 && points.length > 1) {
    reasons.push(
      'cache written but never read back: the prompt prefix changes, or requests are too far apart',
    );
  } else if (points.length > 1) {
    if (rest.hit < LOW_HIT_RATIO)
      reasons.push(`low cache hit ratio after the first request (${pct(rest.hit)})`);
    if (rest.read > 0 && rest.write / rest.read > REWRITE_RATIO) {
      reasons.push(
        `frequent cache rewrites (${Math.round((rest.write / rest.read) * 100)} written per 100 read)`,
      );
    }
    const third = Math.max(1, Math.floor((points.length - 1) / 3));
    if (points.length - 1 >= 3) {
      const early = ratio(points, 1, 1 + third).hit;
      const late = ratio(points, points.length - third).hit;
      if (early - late > FALLING_TREND) reasons.push(`hit ratio falling (${pct(early)} → ${pct(late)})`);
    }
  }
  if (reasons.length > 0) return { ...base, verdict: 'warning', reasons };
  if (points.length === 1) {
    return { ...base, verdict: 'healthy', reasons: ['single request: cache written for reuse'] };
  }
  const note = rest.hit >= HEALTHY_HIT_RATIO ? 'steady cache reads' : 'moderate cache reads';
  return {
    ...base,
    verdict: 'healthy',
    reasons: [`${note} (${pct(rest.hit)} of input after the first request)`],
  };
}
