// The import shell: finds transcript files, learns what the ledger already holds, and appends the
// new records in one write per month file (one fsync, not one per record), each queued for export.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
import { appendLine } from '../ledger/append.js';
import { type RunRecord, runRecordSchema } from '../ledger/schema.js';
import { ledgerPaths, runFileName } from '../ledger/store.js';
import type { PriceTable } from '../pricing/price-table.js';
import { indexRuns } from '../statusline/ledger-figures.js';
import { type KnownUsage, recordsFromMessages } from './to-records.js';
import { parseTranscript } from './transcript.js';

export interface ImportResult {
  files: number;
  messages: number;
  known: number;
  records: number;
  skipped_lines: number;
  tokens: number;
  cost_usd: number;
  unknown_models: string[];
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

/** What the ledger already accounts for: message ids, and spans of wrapper runs that list none. */
export function knownUsage(env: NodeJS.ProcessEnv): KnownUsage {
  const known: KnownUsage = { messageIds: new Set(), sessionSpans: new Map() };
  const { dir } = ledgerPaths(env);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => /^runs-\d{4}-\d{2}\.jsonl$/.test(n));
  } catch {
    return known;
  }
  for (const name of names) {
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      let r: {
        message_ids?: unknown;
        session_id?: unknown;
        started_at?: unknown;
        ended_at?: unknown;
        imported?: unknown;
      };
      try {
        r = JSON.parse(line);
      } catch {
        continue;
      }
      const ids = Array.isArray(r.message_ids) ? (r.message_ids as unknown[]) : [];
      for (const id of ids) if (typeof id === 'string') known.messageIds.add(id);
      if (ids.length === 0 && !r.imported && typeof r.session_id === 'string') {
        const from = Date.parse(String(r.started_at));
        const to = Date.parse(String(r.ended_at));
        if (!Number.isNaN(from) && !Number.isNaN(to)) {
          const spans = known.sessionSpans.get(r.session_id) ?? [];
          spans.push({ from, to });
          known.sessionSpans.set(r.session_id, spans);
        }
      }
    }
  }
  return known;
}

export function importTranscripts(
  from: string,
  table: PriceTable,
  env: NodeJS.ProcessEnv,
  options: { dryRun?: boolean } = {},
): ImportResult {
  const files = findTranscripts(from);
  const known = knownUsage(env);
  const invocationId = `import-${randomUUID()}`;
  const result: ImportResult = {
    files: files.length,
    messages: 0,
    known: 0,
    records: 0,
    skipped_lines: 0,
    tokens: 0,
    cost_usd: 0,
    unknown_models: [],
  };
  const unknown = new Set<string>();
  const byMonth = new Map<string, string[]>();
  const runIds: [string, string][] = [];
  const imported: RunRecord[] = [];
  for (const file of files) {
    const parsed = parseTranscript(fs.readFileSync(file, 'utf8'));
    result.messages += parsed.messages.length;
    result.skipped_lines += parsed.skipped;
    const { records, known: k } = recordsFromMessages(parsed.messages, {
      table,
      file,
      invocationId,
      known,
      toolErrors: parsed.toolErrors,
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
      const month = runFileName(record.started_at);
      const lines = byMonth.get(month) ?? [];
      lines.push(JSON.stringify(record));
      byMonth.set(month, lines);
      runIds.push([record.run_id, month]);
      imported.push(record);
    }
  }
  result.unknown_models = [...unknown].sort();
  if (options.dryRun) return result;
  const paths = ledgerPaths(env);
  fs.mkdirSync(paths.pending, { recursive: true });
  // Pending markers first, as appendRunRecord does: a record is never written without being queued.
  for (const [id, month] of runIds) fs.writeFileSync(path.join(paths.pending, id), month);
  for (const [month, lines] of byMonth) appendLine(path.join(paths.dir, month), lines.join('\n'));
  indexRuns(imported, env);
  return result;
}
