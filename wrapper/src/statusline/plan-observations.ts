// Every plan rate-limit reading the status line sees, kept once: an append-only JSONL file in the
// data home, deduplicated on (window, resets_at, used_percentage) across processes by creating a
// marker file with O_EXCL (only the process that creates it appends). A new reading also leaves an
// `unsent` marker, so the next export (a run's, or `claude-otel sync`) sends the plan gauges;
// the status line itself never touches the network.
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import { PLAN_WINDOWS, type PlanWindowName, type PlanWindowReading } from './payload.js';

export interface PlanObservation extends PlanWindowReading {
  window: PlanWindowName;
  /** ISO time of the first render that showed this reading. */
  observed_at: string;
}

/** Markers of windows that reset longer ago than this are pruned when a new reading arrives. */
const KEEP_MARKERS_MS = 8 * 86_400_000;

export function planPaths(env: NodeJS.ProcessEnv = process.env) {
  const dir = path.join(dataHome(env), 'plan');
  return {
    dir,
    observations: path.join(dir, 'observations.jsonl'),
    seen: path.join(dir, 'seen'),
    unsent: path.join(dir, 'unsent'),
  };
}

/** Records the readings not seen before; returns how many were new. Never throws. */
export function recordPlanReadings(
  readings: Partial<Record<PlanWindowName, PlanWindowReading>>,
  env: NodeJS.ProcessEnv = process.env,
  now: number = Date.now(),
): number {
  const paths = planPaths(env);
  const fresh: PlanObservation[] = [];
  for (const window of PLAN_WINDOWS) {
    const r = readings[window];
    if (!r) continue;
    const bucket = path.join(paths.seen, String(r.resets_at));
    const marker = path.join(bucket, `${window}-${r.used_percentage}`);
    try {
      fs.closeSync(fs.openSync(marker, 'wx'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      try {
        fs.mkdirSync(bucket, { recursive: true });
        fs.closeSync(fs.openSync(marker, 'wx'));
      } catch {
        continue;
      }
      pruneMarkers(paths.seen, now);
    }
    fresh.push({ window, ...r, observed_at: new Date(now).toISOString() });
  }
  if (fresh.length === 0) return 0;
  try {
    fs.appendFileSync(paths.observations, `${fresh.map((o) => JSON.stringify(o)).join('\n')}\n`);
    fs.writeFileSync(paths.unsent, '');
  } catch {
    return 0;
  }
  return fresh.length;
}

function pruneMarkers(seen: string, now: number): void {
  try {
    for (const name of fs.readdirSync(seen)) {
      if (Number(name) * 1000 < now - KEEP_MARKERS_MS) fs.rmSync(path.join(seen, name), { recursive: true });
    }
  } catch {
    // Pruning is housekeeping only.
  }
}

/** Every observation kept, oldest first, each (window, resets_at, used_percentage) once. */
export function readPlanObservations(env: NodeJS.ProcessEnv = process.env): PlanObservation[] {
  let text: string;
  try {
    text = fs.readFileSync(planPaths(env).observations, 'utf8');
  } catch {
    return [];
  }
  const seen = new Set<string>();
  const out: PlanObservation[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const o = JSON.parse(line) as PlanObservation;
      if (!PLAN_WINDOWS.includes(o.window) || typeof o.used_percentage !== 'number') continue;
      if (typeof o.resets_at !== 'number' || typeof o.observed_at !== 'string') continue;
      const key = `${o.window}|${o.resets_at}|${o.used_percentage}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(o);
    } catch {
      // a torn last line
    }
  }
  return out;
}
