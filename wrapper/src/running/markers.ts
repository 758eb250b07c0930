// Runs in progress as other commands see them: the small file a wrapped run keeps at
// `<CLAUDE_OTEL_HOME>/running/<run_id>.json` (written by run/running-marker.ts) and how to read
// it: monitor, the status line, and every command's check for runs whose wrapper was killed.
import fs from 'node:fs';
import path from 'node:path';
import type { Identity } from '../config/identity.js';
import { runningDir } from '../config/paths.js';
import { isProcessAlive, isProcessRunning } from '../process-alive.js';
import type { TokenCounts } from '../usage/tokens.js';

export interface RunningMarker {
  run_id: string;
  invocation_id: string;
  operation: string;
  agent: string;
  pid: number;
  started_at: string;
  updated_at: string;
  models: string[];
  turns: number;
  /** So far: from the transcripts when live figures are on, else as streamed (output lags). */
  tokens: TokenCounts;
  cost_usd_estimate: number;
  /** For recovery: known once Claude Code's init line arrived. */
  session_id?: string;
  cwd?: string;
  /** Claude Code's config directory, which holds the session's transcript. */
  claude_config_dir?: string;
  claude_pid?: number;
  /** Team mode's labels, so a recovered run is counted under the same identity. */
  identity?: Identity;
}

/** The running directory and its entries (markers, claims, journals); none when it is missing. */
export function runningEntries(env: NodeJS.ProcessEnv): { dir: string; names: string[] } {
  const dir = runningDir(env);
  try {
    return { dir, names: fs.readdirSync(dir) };
  } catch {
    return { dir, names: [] };
  }
}

/**
 * Whether a marker or a recovery claim was left by a wrapper that is gone: a cheap check (one
 * readdir, usually of an empty directory) that every command makes before loading recovery.
 */
export function hasOrphanedMarkers(env: NodeJS.ProcessEnv): boolean {
  const { dir, names } = runningEntries(env);
  for (const name of names) {
    const claim = /\.claimed-(\d+)$/.exec(name);
    if (claim) {
      if (!isProcessRunning(Number(claim[1]))) return true;
      continue;
    }
    if (!name.endsWith('.json')) continue;
    try {
      const marker = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as RunningMarker;
      if (!isProcessRunning(marker.pid)) return true;
    } catch {
      // Removed between readdir and read: skip.
    }
  }
  return false;
}

/** Markers of runs still in progress (their wrapper process is alive). */
export function readRunningMarkers(env: NodeJS.ProcessEnv): RunningMarker[] {
  const { dir, names } = runningEntries(env);
  const out: RunningMarker[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const marker = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as RunningMarker;
      if (isProcessAlive(marker.pid)) out.push(marker);
    } catch {
      // Removed between readdir and read, or torn: skip.
    }
  }
  return out;
}
