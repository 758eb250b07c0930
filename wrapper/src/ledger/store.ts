// Where ledger files live and how they are named: one append-only JSONL file of run records per
// month (by start time, UTC), one of export records, and a directory of markers for unsent runs.
// Every reader lists month files and reports an unreadable ledger through here.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ledgerDir } from '../config/paths.js';
import { ClaudeOtelError } from '../errors.js';

export interface LedgerPaths {
  dir: string;
  exports: string;
  pending: string;
}

export function ledgerPaths(env: NodeJS.ProcessEnv = process.env): LedgerPaths {
  const dir = ledgerDir(env);
  return { dir, exports: path.join(dir, 'exports.jsonl'), pending: path.join(dir, 'pending') };
}

export function runFileName(startedAt: string): string {
  // The schema allows any UTC offset; readers pick files by UTC month, so file by the UTC month.
  return `runs-${new Date(startedAt).toISOString().slice(0, 7)}.jsonl`;
}

const MONTH_FILE = /^runs-\d{4}-\d{2}\.jsonl$/;

/** True for the name of a month file of run records (runs-YYYY-MM.jsonl). */
export function isMonthFileName(name: string): boolean {
  return MONTH_FILE.test(name);
}

/** The month files in `dir` that overlap the window (by UTC month), oldest first. */
export function monthFiles(dir: string, since?: Date, until?: Date): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ledgerUnreadable(dir, error);
  }
  const from = since ? since.toISOString().slice(0, 7) : '0000-00';
  const to = until ? until.toISOString().slice(0, 7) : '9999-99';
  return names
    .filter((n) => isMonthFileName(n) && n.slice(5, 12) >= from && n.slice(5, 12) <= to)
    .sort()
    .map((n) => path.join(dir, n));
}

/** The one error for a ledger file or directory that exists but cannot be read. */
export function ledgerUnreadable(where: string, error: unknown): ClaudeOtelError {
  return new ClaudeOtelError(`cannot read the ledger at ${where}: ${(error as Error).message}`, {
    hint: 'check its permissions, or point CLAUDE_OTEL_HOME at a readable directory',
    cause: error,
  });
}

/** A new run's id: the key of its ledger record, its pending marker and its trace. */
export function newRunId(): string {
  return randomUUID();
}

/** Fails fast, before any money is spent, when the ledger cannot be written. */
export function assertLedgerWritable(env: NodeJS.ProcessEnv = process.env): void {
  const paths = ledgerPaths(env);
  try {
    fs.mkdirSync(paths.pending, { recursive: true });
    fs.accessSync(paths.dir, fs.constants.W_OK);
    fs.accessSync(paths.pending, fs.constants.W_OK);
  } catch (error) {
    throw new ClaudeOtelError(`cannot write the ledger at ${paths.dir}: ${(error as Error).message}`, {
      hint: 'check that the directory is writable, or point CLAUDE_OTEL_HOME elsewhere',
      cause: error,
    });
  }
}
