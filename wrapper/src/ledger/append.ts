// Appends records to the ledger. Each record is one line written with a single O_APPEND write
// and fsynced, so concurrent writers never interleave and a crash loses at most the line being
// written. An append always starts on a fresh line: after a torn last line (a crash mid-append)
// it writes a newline first, so the torn line stays one damaged line and never swallows the new
// record. A run is marked pending before it is written, so a run can never be recorded without
// being queued for export.
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
import { endsTorn } from '../fresh-line.js';
import { indexRuns } from './day-index.js';
import {
  type ExportRecord,
  LEDGER_VERSION,
  type RunRecord,
  type RunRecordInput,
  runRecordSchema,
} from './schema.js';
import { ledgerPaths, runFileName } from './store.js';

export function appendLine(file: string, line: string): void {
  let fd: number | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(file, 'a+', 0o600);
    const bytes = Buffer.from(`${endsTorn(fd) ? '\n' : ''}${line}\n`);
    const written = fs.writeSync(fd, bytes);
    // A full disk can take part of a write and fail only the rest: that is a failed write (the
    // torn part stays one damaged line; the next append starts a fresh one).
    if (written < bytes.length) throw shortWrite(written, bytes.length);
    fs.fsyncSync(fd);
  } catch (error) {
    throw ledgerWriteError(file, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function shortWrite(written: number, wanted: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`wrote ${written} of ${wanted} bytes`), { code: 'ENOSPC' });
}

/** What went wrong and what to do, by cause, in one line: the user's run already happened. */
const WRITE_FAILURES: Record<string, { what: string; hint: string }> = {
  ENOSPC: { what: 'the disk is full', hint: 'free some space' },
  EDQUOT: { what: 'the disk quota is used up', hint: 'free some space or raise the quota' },
  EROFS: { what: 'the file system is read-only', hint: 'point CLAUDE_OTEL_HOME at a writable directory' },
  EACCES: {
    what: 'permission denied',
    hint: 'make it writable for this user (ls -l), or point CLAUDE_OTEL_HOME elsewhere',
  },
  EPERM: {
    what: 'operation not permitted (an immutable or append-only file?)',
    hint: 'check `lsattr` and clear the flag with `chattr -i`, or point CLAUDE_OTEL_HOME elsewhere',
  },
};

/** The one error for a ledger write that failed; names the path, the cause and the fix. */
export function ledgerWriteError(where: string, error: unknown): ClaudeOtelError {
  if (error instanceof ClaudeOtelError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const known = WRITE_FAILURES[code];
  const what = known ? `${known.what} (${code})` : (error as Error).message;
  const hint = known?.hint ?? 'check that the directory is writable, or point CLAUDE_OTEL_HOME elsewhere';
  return new ClaudeOtelError(`cannot write the ledger at ${where}: ${what}`, {
    hint: `${hint}; then \`claude-otel import\` recovers unrecorded runs from Claude Code's transcripts`,
    cause: error,
  });
}

export function appendRunRecord(input: RunRecordInput, env: NodeJS.ProcessEnv = process.env): RunRecord {
  // One parse per run, at its end: zod's compiled fast path would cost more than it saves.
  const record = runRecordSchema.parse(input, { jitless: true });
  const paths = ledgerPaths(env);
  const fileName = runFileName(record.started_at);
  const marker = path.join(paths.pending, record.run_id);
  try {
    fs.mkdirSync(paths.pending, { recursive: true });
    fs.writeFileSync(marker, fileName);
  } catch (error) {
    dropMarkers([marker]);
    throw ledgerWriteError(paths.pending, error);
  }
  try {
    appendLine(path.join(paths.dir, fileName), JSON.stringify(record));
  } catch (error) {
    // No pending marker without its record.
    dropMarkers([marker]);
    throw error;
  }
  indexRuns([record], env);
  return record;
}

/** Removes pending markers (after a failed write), never failing itself. */
export function dropMarkers(files: string[]): void {
  for (const file of files) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // Nothing more to do: sync only warns about a marker whose run is not in the ledger.
    }
  }
}

/** Records that a run's metrics reached the collector, then drops its pending marker. */
export function markExported(runIds: string[], endpoint: string, env: NodeJS.ProcessEnv = process.env): void {
  if (runIds.length === 0) return;
  const paths = ledgerPaths(env);
  const at = new Date().toISOString();
  const lines = runIds.map((run_id) => {
    const record: ExportRecord = { v: LEDGER_VERSION, kind: 'export', run_id, state: 'sent', at, endpoint };
    return JSON.stringify(record);
  });
  appendLine(paths.exports, lines.join('\n'));
  for (const id of runIds) fs.rmSync(path.join(paths.pending, id), { force: true });
}
