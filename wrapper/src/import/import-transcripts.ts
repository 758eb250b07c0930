// The import shell: finds transcript files, learns what the ledger already holds, folds one file at
// a time, and appends the new records in batches (one write and fsync per month file and batch),
// each queued for export.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
import { forEachFileLine } from '../file-lines.js';
import { appendLine, dropMarkers, ledgerWriteError } from '../ledger/append.js';
import { indexRuns } from '../ledger/day-index.js';
import { forEachLine } from '../ledger/read.js';
import { type RunRecord, runRecordSchema } from '../ledger/schema.js';
import { ledgerPaths, monthFiles, runFileName } from '../ledger/store.js';
import type { PriceTable } from '../pricing/price-table.js';
import { TranscriptFold } from '../transcript/fold.js';
import { readSubagentMetas } from '../transcript/subagent-meta.js';
import { CompactIdSet } from './id-set.js';
import { type KnownUsage, recordsFromMessages } from './to-records.js';

export interface ImportResult {
  files: number;
  messages: number;
  known: number;
  records: number;
  /** Lines left out: damaged_lines + untyped_lines. */
  skipped_lines: number;
  /** Lines that are not JSON, or assistant lines of the wrong shape. */
  damaged_lines: number;
  /** JSON lines without a `type` (not lines Claude Code writes). */
  untyped_lines: number;
  tokens: number;
  cost_usd: number;
  unknown_models: string[];
  /** The longest ledger line this import wrote (bytes): at most MAX_RECORD_LINE_BYTES. */
  longest_line_bytes: number;
  /** Damaged lines found in the ledger while deduplicating. */
  warnings: string[];
}

export function findTranscripts(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (error) {
      if (d === dir) {
        throw new ClaudeOtelError(`cannot read ${dir}: ${(error as Error).message}`, {
          hint: 'point --from at a directory of Claude Code transcripts (~/.claude/projects)',
          exitCode: 2,
        });
      }
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * What the ledger already accounts for: message ids, and the time spans of wrapper runs by session.
 * Damaged ledger lines are added to `warnings` (file and line), as every ledger reader reports them.
 */
export function knownUsage(env: NodeJS.ProcessEnv, warnings: string[] = []): KnownUsage {
  const known: KnownUsage = { messageIds: new CompactIdSet(), sessionSpans: new Map() };
  for (const file of monthFiles(ledgerPaths(env).dir)) {
    forEachLine(file, warnings, (value) => {
      if (typeof value !== 'object' || value === null) return;
      const r = value as {
        message_ids?: unknown;
        session_id?: unknown;
        started_at?: unknown;
        ended_at?: unknown;
        imported?: unknown;
      };
      const ids = Array.isArray(r.message_ids) ? (r.message_ids as unknown[]) : [];
      for (const id of ids) if (typeof id === 'string') known.messageIds.add(id);
      // A run the wrapper watched accounts for every message of its session written while it ran,
      // listed or not (a subagent's last message never reaches the stream; a transcript that could
      // not be read after the run leaves only the streamed ids).
      if (!r.imported && typeof r.session_id === 'string') {
        const from = Date.parse(String(r.started_at));
        const to = Date.parse(String(r.ended_at));
        if (!Number.isNaN(from) && !Number.isNaN(to)) {
          const spans = known.sessionSpans.get(r.session_id) ?? [];
          spans.push({ from, to });
          known.sessionSpans.set(r.session_id, spans);
        }
      }
    });
  }
  return known;
}

/** Records are written in batches of about this many bytes (one write and fsync per month file). */
const FLUSH_BYTES = 1 << 20;

/**
 * Imports every transcript under `from`, one file at a time: memory holds one file's messages,
 * the compact set of known ids and one batch of records, never the whole history.
 */
export function importTranscripts(
  from: string,
  table: PriceTable,
  env: NodeJS.ProcessEnv,
  options: ImportOptions = {},
): ImportResult {
  return importTranscriptFiles(findTranscripts(from), table, env, options);
}

export interface ImportOptions {
  dryRun?: boolean;
  /** What the records are (default `import`; the session hook writes `hook`). */
  operation?: string;
  /** The CI run the records belong to (the session hook passes its environment's). */
  ci?: RunRecord['ci'];
  /** Team mode: a session's identity by its working directory (run/context.ts identityResolver). */
  identity?: (cwd: string) => RunRecord['identity'] | null;
}

/** Imports the given transcript files (a session's, for the hook), exactly as importTranscripts. */
export function importTranscriptFiles(
  files: string[],
  table: PriceTable,
  env: NodeJS.ProcessEnv,
  options: ImportOptions = {},
): ImportResult {
  const warnings: string[] = [];
  const known = knownUsage(env, warnings);
  const invocationId = `${options.operation ?? 'import'}-${randomUUID()}`;
  const result: ImportResult = {
    files: files.length,
    messages: 0,
    known: 0,
    records: 0,
    skipped_lines: 0,
    damaged_lines: 0,
    untyped_lines: 0,
    tokens: 0,
    cost_usd: 0,
    unknown_models: [],
    longest_line_bytes: 0,
    warnings,
  };
  const unknown = new Set<string>();
  const paths = ledgerPaths(env);
  let batch = new Map<string, string[]>();
  let batchIds: [string, string][] = [];
  let batchRecords: RunRecord[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (options.dryRun || batchIds.length === 0) return;
    // Pending markers first, as appendRunRecord does: a record is never written without being queued.
    const markers = batchIds.map(([id, month]) => ({ file: path.join(paths.pending, id), month }));
    try {
      fs.mkdirSync(paths.pending, { recursive: true });
      for (const m of markers) fs.writeFileSync(m.file, m.month);
    } catch (error) {
      dropMarkers(markers.map((m) => m.file));
      throw ledgerWriteError(paths.pending, error);
    }
    const written = new Set<string>();
    try {
      for (const [month, lines] of batch) {
        appendLine(path.join(paths.dir, month), lines.join('\n'));
        written.add(month);
      }
    } catch (error) {
      // No pending marker without its record: months already written keep theirs.
      dropMarkers(markers.filter((m) => !written.has(m.month)).map((m) => m.file));
      throw error;
    }
    indexRuns(batchRecords, env);
    batch = new Map();
    batchIds = [];
    batchRecords = [];
    batchBytes = 0;
  };
  for (const file of files) {
    const fold = new TranscriptFold();
    forEachFileLine(file, (line) => fold.push(line));
    const parsed = fold.result();
    result.messages += parsed.messages.length;
    result.skipped_lines += parsed.skipped;
    result.damaged_lines += parsed.damaged;
    result.untyped_lines += parsed.untyped;
    const { records, known: k } = recordsFromMessages(parsed.messages, {
      table,
      file,
      invocationId,
      known,
      toolErrors: parsed.toolErrors,
      operation: options.operation,
      ci: options.ci,
      identity: options.identity,
      subagents: readSubagentMetas([file]),
    });
    result.known += k;
    for (const input of records) {
      const record = runRecordSchema.parse(input);
      // A later file repeating the same messages (a resumed session copies history) adds nothing.
      for (const id of record.message_ids) known.messageIds.add(id);
      result.records++;
      result.cost_usd += record.cost_usd;
      for (const u of Object.values(record.models)) result.tokens += u.total;
      for (const m of record.unknown_models) unknown.add(m);
      const line = JSON.stringify(record);
      result.longest_line_bytes = Math.max(result.longest_line_bytes, Buffer.byteLength(line));
      const month = runFileName(record.started_at);
      const lines = batch.get(month) ?? [];
      lines.push(line);
      batch.set(month, lines);
      batchIds.push([record.run_id, month]);
      batchBytes += line.length;
      batchRecords.push(record);
    }
    if (batchBytes >= FLUSH_BYTES) flush();
  }
  flush();
  result.unknown_models = [...unknown].sort();
  return result;
}
