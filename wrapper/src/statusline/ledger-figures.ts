// Today's cost and the last hour's burn for the status line, without reading the ledger: every run
// appended to the ledger also leaves one short line in a per-day index (UTC day of the append),
// so the status line reads one or two small files. The ledger stays the record; the index is
// best effort (a failed index write never fails the run) and is deduplicated by run id on read.
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import { endsTorn } from '../fresh-line.js';
import { readRunningMarkers } from '../run/running-marker.js';

export interface IndexedRun {
  run_id: string;
  started_at: string;
  ended_at: string;
  cost_usd: number;
}

export interface LedgerFigures {
  /** Cost of the runs that started today (local day), runs still going with their live figures. */
  today_usd: number;
  /** Cost of the runs that ended in the last hour: the burn rate in US dollars per hour. */
  last_hour_usd: number;
}

const HOUR_MS = 3_600_000;
/** Index files older than this many days are removed when a new day's file starts. */
const KEEP_DAYS = 3;

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
  const recent = runs.filter((r) => Date.parse(r.ended_at) >= now - KEEP_DAYS * 86_400_000);
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
  const oldest = utcDay(now - KEEP_DAYS * 86_400_000);
  for (const name of fs.readdirSync(dir)) {
    if (/^\d{4}-\d{2}-\d{2}\.jsonl$/.test(name) && name.slice(0, 10) < oldest) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

/** Sums the index files that can hold runs of today (local) or of the last hour. */
export function readLedgerFigures(
  env: NodeJS.ProcessEnv = process.env,
  now: number = Date.now(),
): LedgerFigures {
  const d = new Date(now);
  const todayStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const hourStart = now - HOUR_MS;
  // A run is indexed when it is appended, at or after its start and its end.
  const from = Math.min(todayStart, hourStart);
  const dir = dayIndexDir(env);
  const seen = new Set<string>();
  const figures: LedgerFigures = { today_usd: 0, last_hour_usd: 0 };
  for (let day = utcDay(from); day <= utcDay(now); day = utcDay(Date.parse(day) + 86_400_000)) {
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
      const started = typeof row.s === 'string' ? Date.parse(row.s) : Number.NaN;
      const ended = typeof row.e === 'string' ? Date.parse(row.e) : Number.NaN;
      if (started >= todayStart && started <= now) figures.today_usd += row.usd;
      if (ended > hourStart && ended <= now) figures.last_hour_usd += row.usd;
    }
  }
  // Runs still going count today with their live figures: the running markers monitor reads.
  for (const m of readRunningMarkers(env)) {
    const started = Date.parse(m.started_at);
    if (!seen.has(m.run_id) && started >= todayStart && started <= now)
      figures.today_usd += m.cost_usd_estimate;
  }
  return figures;
}
