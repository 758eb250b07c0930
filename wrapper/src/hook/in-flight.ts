// Recordings the hook started and that have not finished yet: one empty file per recorder under
// `<data home>/hook-recording/`, made by the hook before it starts the recorder and removed by the
// recorder when done. A reader that must see every ended session (the CI gate in the step after a
// `claude -p` step) waits for them, within a bound.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';

/** A marker older than this belongs to a recorder that died: not waited for. */
export const STALE_RECORDING_MS = 120_000;

function dir(env: NodeJS.ProcessEnv): string {
  return path.join(dataHome(env), 'hook-recording');
}

/** Creates a marker; returns its name (undefined when it cannot be written: nothing waits then). */
export function markRecording(env: NodeJS.ProcessEnv, sessionId: string): string | undefined {
  try {
    const name = `${sessionId}.${randomUUID()}`;
    fs.mkdirSync(dir(env), { recursive: true });
    fs.writeFileSync(path.join(dir(env), name), '');
    return name;
  } catch {
    return undefined;
  }
}

export function unmarkRecording(env: NodeJS.ProcessEnv, name: string | undefined): void {
  if (!name || !/^[\w.-]+$/.test(name)) return;
  fs.rmSync(path.join(dir(env), name), { force: true });
}

/** Recordings in flight (markers not stale). */
export function recordingsInFlight(env: NodeJS.ProcessEnv, now = Date.now()): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir(env));
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    try {
      if (now - fs.statSync(path.join(dir(env), name)).mtimeMs < STALE_RECORDING_MS) n++;
    } catch {
      // Removed meanwhile: done.
    }
  }
  return n;
}

/** Waits until no recording is in flight or the timeout passes; returns how many are left. */
export async function awaitRecordings(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = recordingsInFlight(env);
    if (left === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
