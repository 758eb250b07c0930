// Appends records to the ledger. Each record is one line written with a single O_APPEND write
// and fsynced, so concurrent writers never interleave and a crash loses at most the line being
// written (a torn last line is skipped by the reader). A run is marked pending before it is
// written, so a run can never be recorded without being queued for export.
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
import { indexRuns } from '../statusline/ledger-figures.js';
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
    fd = fs.openSync(file, 'a', 0o600);
    fs.writeSync(fd, `${line}\n`);
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

export function appendRunRecord(input: RunRecordInput, env: NodeJS.ProcessEnv = process.env): RunRecord {
  // One parse per run, at its end: zod's compiled fast path would cost more than it saves.
  const record = runRecordSchema.parse(input, { jitless: true });
  const paths = ledgerPaths(env);
  const fileName = runFileName(record.started_at);
  fs.mkdirSync(paths.pending, { recursive: true });
  fs.writeFileSync(path.join(paths.pending, record.run_id), fileName);
  appendLine(path.join(paths.dir, fileName), JSON.stringify(record));
  indexRuns([record], env);
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
