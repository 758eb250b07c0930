// Reads the ledger for reports, fast: lines outside the window are skipped before parsing, and the
// bulky tail of a record (turns, tool spans, message ids, prompt text) is cut off unless asked for.
// Any line that does not fit the fast path is parsed whole, so speed never costs correctness.
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
import type { RunRecord } from '../ledger/schema.js';
import { ledgerPaths } from '../ledger/store.js';

/** What reports use of a run record; a full RunRecord is one too. */
export type ReportRun = Pick<
  RunRecord,
  | 'run_id'
  | 'invocation_id'
  | 'session_id'
  | 'operation'
  | 'agent'
  | 'started_at'
  | 'ended_at'
  | 'duration_ms'
  | 'cwd'
  | 'git'
  | 'ci'
  | 'status'
  | 'termination'
  | 'num_turns'
  | 'models'
  | 'cost_usd'
  | 'cost_source'
  | 'usage_source'
  | 'unknown_models'
  | 'tool_calls'
> & { turns?: RunRecord['turns'] };

export interface LoadOptions {
  since?: Date | undefined;
  until?: Date | undefined;
  env?: NodeJS.ProcessEnv;
  /** Also parse each run's turns (cache-health trends need them). */
  withTurns?: boolean;
}

export interface LoadedRuns {
  runs: ReportRun[];
  warnings: string[];
}

// The writer serializes records in schema order, so the bulky fields follow these keys. A key
// inside a string would be escaped (\"), so a raw match can only be a real key.
const TURNS_KEY = ',"turns":[';
const SPANS_KEY = ',"tool_spans":[';
const STARTED_KEY = '"started_at":"';

export function loadReportRuns(options: LoadOptions = {}): LoadedRuns {
  const env = options.env ?? process.env;
  const { dir } = ledgerPaths(env);
  const warnings: string[] = [];
  const sinceMs = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const untilMs = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const runs: ReportRun[] = [];
  for (const file of monthFiles(dir, options.since, options.until)) {
    const text = readText(file);
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      const complete = end !== -1;
      if (!complete) end = text.length;
      lineNo++;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.length < 2) continue;
      const startedMs = startedAt(line);
      if (startedMs !== undefined && (startedMs < sinceMs || startedMs > untilMs)) continue;
      const run = parseRun(line, options.withTurns === true);
      if (!run) {
        if (complete && line.trim() !== '')
          warnings.push(`${path.basename(file)}:${lineNo}: damaged run record skipped`);
        continue;
      }
      const ms = Date.parse(run.started_at);
      if (ms < sinceMs || ms > untilMs || seen.has(run.run_id)) continue;
      seen.add(run.run_id);
      runs.push(run);
    }
  }
  runs.sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
  return { runs, warnings };
}

function startedAt(line: string): number | undefined {
  const at = line.indexOf(STARTED_KEY);
  if (at === -1) return undefined;
  const from = at + STARTED_KEY.length;
  const to = line.indexOf('"', from);
  const ms = Date.parse(line.slice(from, to));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses one ledger line for reports; undefined for a damaged or non-run line. */
export function parseRun(line: string, withTurns: boolean): ReportRun | undefined {
  const cut = line.indexOf(TURNS_KEY);
  let value: unknown;
  try {
    if (cut === -1) {
      value = JSON.parse(line);
    } else {
      value = JSON.parse(`${line.slice(0, cut)}}`);
      if (withTurns) {
        const spans = line.indexOf(SPANS_KEY, cut);
        const turnsText = line.slice(cut + TURNS_KEY.length - 1, spans === -1 ? undefined : spans);
        (value as { turns?: unknown }).turns = JSON.parse(turnsText);
      }
    }
  } catch {
    // The cut assumed the writer's key order; a record written otherwise is parsed whole.
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
  }
  return checkRun(value);
}

/** The same structural check the ledger reader does, on the fields reports rely on. */
function checkRun(value: unknown): ReportRun | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (r.kind !== 'run' || r.v !== 1 || typeof r.run_id !== 'string' || typeof r.started_at !== 'string') {
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
  if (Number.isNaN(Date.parse(r.started_at))) return undefined;
  if (typeof r.tool_calls !== 'object' || r.tool_calls === null) r.tool_calls = {};
  if (r.turns !== undefined && !Array.isArray(r.turns)) r.turns = undefined;
  return value as ReportRun;
}

export function monthFiles(dir: string, since?: Date, until?: Date): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadable(dir, error);
  }
  const from = since ? since.toISOString().slice(0, 7) : '0000-00';
  const to = until ? until.toISOString().slice(0, 7) : '9999-99';
  return names
    .filter((n) => /^runs-\d{4}-\d{2}\.jsonl$/.test(n) && n.slice(5, 12) >= from && n.slice(5, 12) <= to)
    .sort()
    .map((n) => path.join(dir, n));
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw unreadable(file, error);
  }
}

function unreadable(where: string, error: unknown): ClaudeOtelError {
  return new ClaudeOtelError(`cannot read the ledger at ${where}: ${(error as Error).message}`, {
    hint: 'check its permissions, or point CLAUDE_OTEL_HOME at a readable directory',
    cause: error,
  });
}
