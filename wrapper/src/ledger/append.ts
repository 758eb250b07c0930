// Appends records to the ledger. Each record is one line written with a single O_APPEND write
// and fsynced, so concurrent writers never interleave and a crash loses at most the line being
// written. An append always starts on a fresh line: after a torn last line (a crash mid-append)
// it writes a newline first, so the torn line stays one damaged line and never swallows the new
// record. A run is marked pending before it is written, so a run can never be recorded without
// being queued for export.
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
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
    fs.writeSync(fd, `${endsTorn(fd) ? '\n' : ''}${line}\n`);
    fs.fsyncSync(fd);
  } catch (error) {
    throw new ClaudeOtelError(`cannot write the ledger at ${file}: ${(error as Error).message}`, {
      hint: 'check that the directory is writable, or point CLAUDE_OTEL_HOME elsewhere',
      cause: error,
    });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * True when the file's last byte is not a newline: a torn last line, or another process's record
 * still being copied in. Either way this record then starts with a newline; at worst the file
 * gets an empty line, which every reader skips, and a record is never merged into another line.
 */
function endsTorn(fd: number): boolean {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  return fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10;
}

export function appendRunRecord(input: RunRecordInput, env: NodeJS.ProcessEnv = process.env): RunRecord {
  // One parse per run, at its end: zod's compiled fast path would cost more than it saves.
  const record = runRecordSchema.parse(input, { jitless: true });
  const paths = ledgerPaths(env);
  const fileName = runFileName(record.started_at);
  fs.mkdirSync(paths.pending, { recursive: true });
  fs.writeFileSync(path.join(paths.pending, record.run_id), fileName);
  appendLine(path.join(paths.dir, fileName), JSON.stringify(record));
  return record;
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
