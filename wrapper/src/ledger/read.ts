// Reads the ledger back. Damaged lines (torn, not JSON, wrong shape) are skipped and reported
// as warnings, never fatal. Only the month files that overlap the window are opened.
import fs from 'node:fs';
import path from 'node:path';
import { forEachFileLine } from '../file-lines.js';
import { type RunRecord, runRecordSchema } from './schema.js';
import { isMonthFileName, ledgerPaths, ledgerUnreadable, monthFiles } from './store.js';

export interface LedgerRun extends RunRecord {
  exported: boolean;
}

export interface ReadOptions {
  since?: Date;
  until?: Date;
  env?: NodeJS.ProcessEnv;
  /** Validate every record against the full schema (slower); by default key fields are checked. */
  strict?: boolean;
}

export interface LedgerContents {
  runs: LedgerRun[];
  warnings: string[];
}

export function readLedger(options: ReadOptions = {}): LedgerContents {
  const env = options.env ?? process.env;
  const paths = ledgerPaths(env);
  const warnings: string[] = [];
  const files = monthFiles(paths.dir, options.since, options.until);
  const exported = readExported(paths.exports, warnings);
  const runs: LedgerRun[] = [];
  const sinceMs = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const untilMs = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  for (const file of files) {
    forEachLine(file, warnings, (value, where) => {
      const record = options.strict ? strictRun(value) : checkRunShape(value);
      if (!record) {
        warnings.push(`${where}: damaged run record skipped`);
        return;
      }
      const start = Date.parse(record.started_at);
      if (start < sinceMs || start > untilMs) return;
      if (seen.has(record.run_id)) return;
      seen.add(record.run_id);
      runs.push(Object.assign(record, { exported: exported.has(record.run_id) }));
    });
  }
  runs.sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
  return { runs, warnings };
}

function readExported(file: string, warnings: string[]): Set<string> {
  const ids = new Set<string>();
  forEachLine(file, warnings, (value) => {
    const v = value as { kind?: unknown; run_id?: unknown };
    if (v.kind === 'export' && typeof v.run_id === 'string') ids.add(v.run_id);
  });
  return ids;
}

/**
 * Calls visit for each JSON line of `file`; lines that are not JSON become warnings (and go to
 * `damaged`, when given, with their text).
 */
export function forEachLine(
  file: string,
  warnings: string[],
  visit: (value: unknown, where: string) => void,
  damaged?: (line: string) => void,
): void {
  let lineNo = 0;
  const onLine = (line: string, complete: boolean) => {
    lineNo++;
    if (line.trim() === '') return;
    const where = `${path.basename(file)}:${lineNo}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A last line without its newline may be a write in progress: not worth a warning.
      if (complete) {
        warnings.push(`${where}: damaged line skipped (not JSON)`);
        damaged?.(line);
      }
      return;
    }
    visit(value, where);
  };
  // Streamed in chunks: a month file can be far larger than what a reader should hold.
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw ledgerUnreadable(file, error);
  }
  fs.closeSync(fd);
  try {
    forEachFileLine(file, onLine);
  } catch (error) {
    if (
      typeof (error as NodeJS.ErrnoException).code === 'string' &&
      (error as Error).name !== 'ClaudeOtelError'
    )
      throw ledgerUnreadable(file, error);
    throw error;
  }
}

function strictRun(value: unknown): RunRecord | undefined {
  const parsed = runRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Cheap structural check of the fields every consumer relies on (the report reader uses it too). */
export function checkRunShape(value: unknown): RunRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (r.kind !== 'run' || r.v !== 1) return undefined;
  if (
    typeof r.run_id !== 'string' ||
    typeof r.started_at !== 'string' ||
    Number.isNaN(Date.parse(r.started_at))
  ) {
    return undefined;
  }
  if (typeof r.cost_usd !== 'number' || typeof r.models !== 'object' || r.models === null) return undefined;
  for (const usage of Object.values(r.models as Record<string, unknown>)) {
    const u = usage as Record<string, unknown> | null;
    if (
      !u ||
      typeof u.total !== 'number' ||
      typeof u.prompt !== 'number' ||
      typeof u.completion !== 'number'
    ) {
      return undefined;
    }
  }
  return value as RunRecord;
}

/** Run ids whose metrics have not been exported yet (from the pending markers). */
export function pendingRunIds(env: NodeJS.ProcessEnv = process.env): { run_id: string; file: string }[] {
  const { pending, dir } = ledgerPaths(env);
  let names: string[];
  try {
    names = fs.readdirSync(pending);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ledgerUnreadable(pending, error);
  }
  const out: { run_id: string; file: string }[] = [];
  for (const run_id of names) {
    if (run_id.startsWith('.')) continue;
    let fileName = '';
    try {
      fileName = fs.readFileSync(path.join(pending, run_id), 'utf8').trim();
    } catch {
      continue;
    }
    if (isMonthFileName(fileName)) out.push({ run_id, file: path.join(dir, fileName) });
  }
  return out;
}

/** A run whose record is not in the ledger whole: a damaged line carries its id (its text here). */
export interface DamagedRun {
  run_id: string;
  file: string;
  line: string;
}

/**
 * Finds given runs by id in the named files (used by sync to load just the unsent records). A run
 * found only as a damaged line (torn by a crash mid-append or a cut file, or of the wrong shape)
 * is in `damaged`; a run with no line at all is in neither list.
 */
export function readRunsById(ids: { run_id: string; file: string }[]): {
  runs: RunRecord[];
  damaged: DamagedRun[];
  warnings: string[];
} {
  const warnings: string[] = [];
  const wanted = new Set(ids.map((i) => i.run_id));
  const files = [...new Set(ids.map((i) => i.file))];
  const runs: RunRecord[] = [];
  const damaged = new Map<string, DamagedRun>();
  for (const file of files) {
    const inFile = ids.filter((i) => i.file === file).map((i) => i.run_id);
    // A torn line is attributed to the run whose id it carries as a record's own run_id.
    const onDamaged = (line: string) => {
      for (const id of inFile)
        if (line.includes(`"run_id":${JSON.stringify(id)}`) && !damaged.has(id))
          damaged.set(id, { run_id: id, file, line });
    };
    forEachLine(
      file,
      warnings,
      (value, where) => {
        const id = (value as { run_id?: unknown }).run_id;
        if (typeof id !== 'string' || !wanted.has(id)) return;
        const record = strictRun(value);
        if (!record) {
          warnings.push(`${where}: damaged run record skipped`);
          if (!damaged.has(id)) damaged.set(id, { run_id: id, file, line: JSON.stringify(value) });
          return;
        }
        wanted.delete(id);
        runs.push(record);
      },
      onDamaged,
    );
  }
  // A run recorded whole after a damaged line of it (recovered) is not damaged.
  return { runs, damaged: [...damaged.values()].filter((d) => wanted.has(d.run_id)), warnings };
}

/** When a run's metrics were sent (ms, its latest export record), or undefined if never. */
export function exportedAt(runId: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  let at: number | undefined;
  forEachLine(ledgerPaths(env).exports, [], (value) => {
    const v = value as { kind?: unknown; run_id?: unknown; at?: unknown };
    if (v.kind !== 'export' || v.run_id !== runId || typeof v.at !== 'string') return;
    const ms = Date.parse(v.at);
    if (!Number.isNaN(ms)) at = Math.max(at ?? ms, ms);
  });
  return at;
}
