// Runs whose wrapper was killed (kill -9, a crash) before it recorded them leave their running
// marker behind. The next claude-otel command turns each into a ledger record, its usage read
// from Claude Code's transcript of the session and marked as recovered (termination `recovered`),
// so nothing is lost; the record is then exported like any run. Exactly once under concurrency:
// a marker is claimed by renaming it (only one process wins), and the ledger is checked for the
// run's complete record first (a wrapper killed between writing the record and removing the
// marker, or a recoverer that died itself, leaves a marker for a recorded run; one killed mid-append
// leaves only a torn line, which is not a record).

import fs from 'node:fs';
import path from 'node:path';
import { appendRunRecord } from '../ledger/append.js';
import { readRunsById } from '../ledger/read.js';
import { ledgerPaths, runFileName } from '../ledger/store.js';
import { loadPriceTable, type PriceTable } from '../pricing/price-table.js';
import { isProcessRunning } from '../process-alive.js';
import { type RunningMarker, runningEntries } from '../running/markers.js';
import { RunAccumulator } from '../stream/run-accumulator.js';
import { readSessionTranscript } from '../transcript/session.js';
import { buildRunRecord } from './build-record.js';
import { ciContext } from './context.js';

export interface RecoveredRun {
  run_id: string;
  agent: string;
  /** False when the session's transcript was not found: the record then carries no usage. */
  fromTranscript: boolean;
}

/** Records every run whose wrapper is gone; returns what was recovered. Never throws. */
export function recoverKilledRuns(env: NodeJS.ProcessEnv, table?: PriceTable): RecoveredRun[] {
  const { dir, names } = runningEntries(env);
  const claimed: { file: string; marker: RunningMarker }[] = [];
  for (const name of names) {
    const c = claim(dir, name);
    if (!c) continue;
    try {
      claimed.push({ file: c.file, marker: JSON.parse(fs.readFileSync(c.file, 'utf8')) as RunningMarker });
    } catch {
      // Left claimed: a later command (once this process is gone) tries again.
    }
  }
  if (claimed.length === 0) return [];
  let recorded: Set<string>;
  try {
    recorded = recordedRuns(
      env,
      claimed.map((c) => c.marker),
    );
  } catch {
    return []; // the ledger cannot be read: left claimed, a later command tries again
  }
  const recovered: RecoveredRun[] = [];
  for (const { file, marker } of claimed) {
    try {
      if (!recorded.has(marker.run_id)) {
        table ??= loadPriceTable(env);
        recovered.push(recordRecovered(env, marker, table));
      }
      fs.rmSync(file, { force: true });
    } catch {
      // Left claimed: a later command (once this process is gone) tries again.
    }
  }
  return recovered;
}

/**
 * Claims a marker of a dead wrapper by renaming it to `<name>.claimed-<our pid>`; undefined when
 * the marker is live, not a marker, or another process claimed it first.
 */
function claim(dir: string, name: string): { file: string } | undefined {
  const file = path.join(dir, name);
  const ours = (base: string) => path.join(dir, `${base}.claimed-${process.pid}`);
  const previous = /^(.*\.json)\.claimed-(\d+)$/.exec(name);
  if (previous) {
    // A recoverer that died mid-way: it may have written the record already.
    if (isProcessRunning(Number(previous[2]))) return undefined;
    return renamed(file, ours(previous[1]!));
  }
  if (!name.endsWith('.json')) return undefined;
  let marker: RunningMarker;
  try {
    marker = JSON.parse(fs.readFileSync(file, 'utf8')) as RunningMarker;
  } catch {
    return undefined;
  }
  if (isProcessRunning(marker.pid)) return undefined;
  // The wrapper is gone, but its watchdog gives Claude Code a moment to stop: wait for it, so the
  // transcript is complete.
  if (marker.claude_pid !== undefined && isProcessRunning(marker.claude_pid)) return undefined;
  return renamed(file, ours(name));
}

function renamed(from: string, to: string): { file: string } | undefined {
  try {
    fs.renameSync(from, to);
    return { file: to };
  } catch {
    return undefined; // someone else claimed it first
  }
}

/**
 * Which of the runs their month files hold as complete, valid records, read by the ledger's own
 * reader: a torn prefix of a run's record (its wrapper killed mid-append) does not count, so the
 * run is recovered. One pass over each month file, however many markers.
 */
function recordedRuns(env: NodeJS.ProcessEnv, markers: RunningMarker[]): Set<string> {
  const { dir } = ledgerPaths(env);
  const ids = markers.map((m) => ({ run_id: m.run_id, file: path.join(dir, runFileName(m.started_at)) }));
  return new Set(readRunsById(ids).runs.map((r) => r.run_id));
}

function recordRecovered(env: NodeJS.ProcessEnv, marker: RunningMarker, table: PriceTable): RecoveredRun {
  const startedAt = Date.parse(marker.started_at);
  // The transcript is where the run's Claude Code kept it, whatever this process's env says.
  const claudeEnv = marker.claude_config_dir ? { CLAUDE_CONFIG_DIR: marker.claude_config_dir } : env;
  // Main thread and subagents, through the one transcript fold; only what this run wrote.
  const transcript = marker.session_id
    ? readSessionTranscript(claudeEnv, marker.session_id, { cwd: marker.cwd, from: startedAt })
    : undefined;
  let endedAt = Math.max(startedAt, Date.parse(marker.updated_at) || startedAt);
  for (const m of transcript?.messages ?? []) endedAt = Math.max(endedAt, m.at);
  const acc = new RunAccumulator(startedAt);
  if (marker.session_id) acc.sessionId = marker.session_id;
  const record = buildRunRecord(
    { acc, exitCode: null, signal: null, termination: 'recovered', startedAt, endedAt },
    {
      runId: marker.run_id,
      invocationId: marker.invocation_id,
      operation: marker.operation,
      agent: marker.agent,
      cwd: marker.cwd ?? '',
      git: null,
      ci: ciContext(env),
      identity: marker.identity ?? null,
      storePrompts: false,
    },
    table,
    transcript,
  );
  // The wrapper never saw how Claude Code ended.
  record.exit_code = null;
  appendRunRecord(record, env);
  return { run_id: marker.run_id, agent: marker.agent, fromTranscript: transcript !== undefined };
}
