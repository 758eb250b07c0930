// Where ledger files live and how they are named: one append-only JSONL file of run records per
// month (by start time, UTC), one of export records, and a directory of markers for unsent runs.
import path from 'node:path';
import { ledgerDir } from '../config/paths.js';

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
