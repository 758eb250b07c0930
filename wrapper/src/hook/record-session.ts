// The detached half of the session hook: imports one session's transcripts into the ledger with
// the import's exact dedupe (message ids in the ledger, spans of wrapper runs), under a lock so
// that two hooks ending at once never count a message twice, then exports pending runs (bounded).
// A Stop (after each turn) reads the main transcript only: a subagent running in the background
// may still be streaming a message, whose partial usage would then shadow its final one. The
// SessionEnd reads the subagents' transcripts as well.
import fs from 'node:fs';
import path from 'node:path';
import { acquireFileLock } from '../export/export-lock.js';
import { type ImportResult, importTranscriptFiles } from '../import/import-transcripts.js';
import type { RunRecord } from '../ledger/schema.js';
import { ledgerPaths } from '../ledger/store.js';
import { loadPriceTable } from '../pricing/price-table.js';
import { ciContext, identityResolver } from '../run/context.js';
import { beginExport } from '../run/export-step.js';
import { sessionTranscriptFiles, subagentTranscripts } from '../transcript/locate.js';
import type { RecordingEvent } from './hook-entry.js';
import { logHookDebug, logHookProblem } from './hook-log.js';
import { unmarkRecording } from './in-flight.js';

/** The operation of records written by the hook. */
export const HOOK_OPERATION = 'hook';
/** How long a recorder waits for another one to finish its import. */
export const IMPORT_LOCK_WAIT_MS = 60_000;

export interface RecordRequest {
  event: RecordingEvent;
  sessionId: string;
  transcriptPath?: string;
  cwd?: string;
  /** The hook's in-flight marker (in-flight.ts), removed when the recording is done. */
  marker?: string;
}

export function importLockPath(env: NodeJS.ProcessEnv): string {
  return path.join(ledgerPaths(env).dir, '.import.lock');
}

/** The files to read: the transcript Claude Code named (or found by session id), and at the
 * session's end its subagents'. */
export function sessionFiles(env: NodeJS.ProcessEnv, r: RecordRequest): string[] {
  const files =
    r.transcriptPath && fs.existsSync(r.transcriptPath)
      ? [r.transcriptPath, ...subagentTranscripts(r.transcriptPath)]
      : sessionTranscriptFiles(env, r.sessionId, r.cwd);
  return r.event === 'SessionEnd' ? files : files.slice(0, 1);
}

/** Team mode's identity for the session's records; a bad configured value is logged, not fatal. */
function hookIdentity(
  env: NodeJS.ProcessEnv,
  sessionId: string,
): (cwd: string) => RunRecord['identity'] | null {
  const resolve = identityResolver(env);
  return (cwd) => {
    try {
      return resolve(cwd);
    } catch (error) {
      logHookProblem(env, `${sessionId}: team mode: ${(error as Error).message}; recorded without identity`);
      return null;
    }
  };
}

/** Imports the session; undefined when the lock could not be had (logged). */
export async function importSession(
  env: NodeJS.ProcessEnv,
  r: RecordRequest,
  lockWaitMs = IMPORT_LOCK_WAIT_MS,
): Promise<ImportResult | undefined> {
  const files = sessionFiles(env, r);
  if (files.length === 0) {
    logHookProblem(env, `${r.event} ${r.sessionId}: no transcript found`);
    return undefined;
  }
  const lock = await acquireFileLock(importLockPath(env), Date.now() + lockWaitMs);
  if (!lock) {
    logHookProblem(env, `${r.event} ${r.sessionId}: import lock busy; run claude-otel import`);
    return undefined;
  }
  try {
    const result = importTranscriptFiles(files, loadPriceTable(env), env, {
      operation: HOOK_OPERATION,
      ci: ciContext(env),
      identity: hookIdentity(env, r.sessionId),
    });
    for (const w of result.warnings) logHookProblem(env, `${r.sessionId}: ${w}`);
    if (result.unknown_models.length > 0)
      logHookProblem(env, `${r.sessionId}: no price for ${result.unknown_models.join(', ')}`);
    return result;
  } finally {
    lock.release();
  }
}

/** The whole detached recording; never throws. */
export async function recordSession(env: NodeJS.ProcessEnv, r: RecordRequest): Promise<void> {
  try {
    const result = await importSession(env, r);
    if (!result) return;
    const note = await beginExport({ env, stderr: process.stderr, debug: false }).finish([]);
    if (note && result.records > 0 && note !== 'export off') logHookProblem(env, `${r.sessionId}: ${note}`);
    logHookDebug(
      env,
      `${r.event} ${r.sessionId}: recorded ${result.records} record(s), ${result.messages - result.known} new message(s), ${result.tokens} tokens; export: ${note ?? 'done'}`,
    );
  } catch (error) {
    logHookProblem(env, `${r.event} ${r.sessionId}: ${(error as Error).message}`);
  } finally {
    try {
      unmarkRecording(env, r.marker);
    } catch (error) {
      logHookProblem(env, `${r.sessionId}: ${(error as Error).message}`);
    }
  }
}
