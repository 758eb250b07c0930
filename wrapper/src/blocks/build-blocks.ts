// The 5-hour plan windows ("blocks") from ledger runs (pure). Observed `resets_at` values of the
// five_hour window place windows exactly; elsewhere a window starts at the hour of its first run
// (floored, as Claude's do) and lasts 5 hours, and the first run at or after its end starts the
// next (so a gap also starts a new one). A run counts in the window its start falls in.

export const BLOCK_MS = 5 * 3_600_000;
const HOUR_MS = 3_600_000;

export interface BlockTokens {
  prompt: number;
  completion: number;
  cache_read: number;
  cache_creation: number;
  total: number;
}

/** What a block needs of a run; a ledger run record is one. */
export interface BlockRun {
  run_id: string;
  started_at: string;
  ended_at: string;
  cost_usd: number;
  models: Record<string, BlockTokens>;
}

export interface Block {
  start: string;
  end: string;
  active: boolean;
  runs: number;
  tokens: BlockTokens;
  cost_usd: number;
  /** Cost per hour of the window's time gone (all of it once the window is over). */
  burn_rate_usd_per_hour: number;
  /** Active block only: its cost plus the burn rate until its end. */
  projected_cost_usd: number | null;
}

interface Draft {
  start: number;
  end: number;
  runs: BlockRun[];
}

const zero = (): BlockTokens => ({ prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, total: 0 });

/** Windows [resets_at - 5h, resets_at) from observed reset times (epoch seconds), without overlaps. */
export function observedWindows(resetsAt: readonly number[]): { start: number; end: number }[] {
  const ends = [...new Set(resetsAt.map((s) => s * 1000))].sort((a, b) => a - b);
  const out: { start: number; end: number }[] = [];
  for (const end of ends) {
    const prev = out.at(-1);
    // Two readings of one window can differ by a second or so: treat close ends as the same window.
    if (prev && end - prev.end < HOUR_MS) continue;
    out.push({ start: Math.max(end - BLOCK_MS, prev?.end ?? Number.NEGATIVE_INFINITY), end });
  }
  return out;
}

export function buildBlocks(
  runs: readonly BlockRun[],
  options: { resetsAt?: readonly number[]; now: number },
): Block[] {
  const windows = observedWindows(options.resetsAt ?? []);
  const sorted = [...runs].sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
  const drafts: Draft[] = [];
  const byObserved = new Map<number, Draft>();
  let current: Draft | undefined;
  for (const run of sorted) {
    const t = Date.parse(run.started_at);
    const w = windows.find((x) => t >= x.start && t < x.end);
    if (w) {
      let d = byObserved.get(w.start);
      if (!d) {
        d = { start: w.start, end: w.end, runs: [] };
        byObserved.set(w.start, d);
        drafts.push(d);
      }
      d.runs.push(run);
      continue;
    }
    if (!current || t >= current.end) {
      const start = Math.floor(t / HOUR_MS) * HOUR_MS;
      // An inferred window never runs into an observed one.
      const next = windows.find((x) => x.start > t);
      const prevObserved = [...windows].reverse().find((x) => x.end <= t);
      const s = Math.max(start, prevObserved?.end ?? Number.NEGATIVE_INFINITY);
      current = { start: s, end: Math.min(s + BLOCK_MS, next?.start ?? Number.POSITIVE_INFINITY), runs: [] };
      drafts.push(current);
    }
    current.runs.push(run);
  }
  return drafts.sort((a, b) => a.start - b.start).map((d) => finish(d, options.now));
}

function finish(d: Draft, now: number): Block {
  const tokens = zero();
  let cost = 0;
  for (const r of d.runs) {
    cost += r.cost_usd;
    for (const u of Object.values(r.models)) {
      tokens.prompt += u.prompt;
      tokens.completion += u.completion;
      tokens.cache_read += u.cache_read;
      tokens.cache_creation += u.cache_creation;
      tokens.total += u.total;
    }
  }
  const active = now >= d.start && now < d.end;
  // At least a minute: a window that just began would otherwise give an absurd rate.
  const hours = Math.max(Math.min(now, d.end) - d.start, 60_000) / HOUR_MS;
  const burn = cost / hours;
  return {
    start: new Date(d.start).toISOString(),
    end: new Date(d.end).toISOString(),
    active,
    runs: d.runs.length,
    tokens,
    cost_usd: cost,
    burn_rate_usd_per_hour: burn,
    projected_cost_usd: active ? cost + (burn * (d.end - now)) / HOUR_MS : null,
  };
}
