// A per-day index of the runs appended to the ledger (UTC day of the append), one short line a
// run, so the status line reads one or two small files instead of the ledger. The ledger stays
// the record; the index is best effort (a failed write never fails the run) and is deduplicated
// by run id on read. Written by every ledger append and by import.
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import { endsTorn } from '../fresh-line.js';

export interface IndexedRun {
  run_id: string;
  started_at: string;
  ended_at: string;
  cost_usd: number;
}

/** Index files older than this many days are removed when a new day's file starts. */
const KEEP_DAYS = 3;
const DAY_MS = 86_400_000;

export function dayIndexDir(env: NodeJS.ProcessEnv): string {
  return path.join(dataHome(env), 'statusline', 'days');
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Adds runs just written to the ledger to today's index. Never throws. */
export function indexRuns(
  runs: readonly IndexedRun[],
  env: NodeJS.ProcessEnv = process.env,
  now: number = Date.now(),
): void {
  // Only runs that can count for today or the last hour: an import of old history adds nothing.
  const recent = runs.filter((r) => Date.parse(r.ended_at) >= now - KEEP_DAYS * DAY_MS);
  if (recent.length === 0) return;
  try {
    const dir = dayIndexDir(env);
    fs.mkdirSync(dir, { recursive: true });
    const lines = recent.map((r) =>
      JSON.stringify({ id: r.run_id, s: r.started_at, e: r.ended_at, usd: r.cost_usd }),
    );
    const file = path.join(dir, `${utcDay(now)}.jsonl`);
    const first = !fs.existsSync(file);
    // One O_APPEND write: concurrent writers never interleave. It starts on a fresh line, as a
    // ledger append does: after a torn last line (a crash mid-write) the new runs stay whole.
    const fd = fs.openSync(file, 'a+', 0o600);
    try {
      fs.writeSync(fd, `${endsTorn(fd) ? '\n' : ''}${lines.join('\n')}\n`);
    } finally {
      fs.closeSync(fd);
    }
    if (first) pruneIndex(dir, now);
  } catch {
    // The ledger line is written; only the status line's shortcut misses this run.
  }
}

/** The status line reads at most today's and yesterday's files: older ones only take space. */
function pruneIndex(dir: string, now: number): void {
  const oldest = utcDay(now - KEEP_DAYS * DAY_MS);
  for (const name of fs.readdirSync(dir)) {
    if (/^\d{4}-\d{2}-\d{2}\.jsonl$/.test(name) && name.slice(0, 10) < oldest) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

/**
 * The indexed runs of the day files from `from`'s UTC day to `now`'s, each run once (a run is
 * indexed when it is appended, at or after its start and its end). Torn or foreign lines are
 * skipped; a missing day is empty.
 */
export function readDayIndex(env: NodeJS.ProcessEnv, from: number, now: number): IndexedRun[] {
  const dir = dayIndexDir(env);
  const seen = new Set<string>();
  const runs: IndexedRun[] = [];
  for (let day = utcDay(from); day <= utcDay(now); day = utcDay(Date.parse(day) + DAY_MS)) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, `${day}.jsonl`), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let row: { id?: unknown; s?: unknown; e?: unknown; usd?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch {
        continue; // a torn last line
      }
      if (typeof row.id !== 'string' || typeof row.usd !== 'number' || seen.has(row.id)) continue;
      seen.add(row.id);
      runs.push({
        run_id: row.id,
        started_at: typeof row.s === 'string' ? row.s : '',
        ended_at: typeof row.e === 'string' ? row.e : '',
        cost_usd: row.usd,
      });
    }
  }
  return runs;
}
