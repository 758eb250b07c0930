// Parses the lines of a ledger month file into report runs, keeping what the window filter and the
// warnings need (line numbers, the started_at seen by the cheap pre-filter). The bulky tail of a
// record (turns, tool spans, prompt text) is cut off unless turns are wanted; a line that does not
// fit the fast path is parsed whole, so speed never costs correctness.

import { checkRunShape } from './read.js';
import type { ReportRun, ReportTurn } from './report-run.js';
import { LEDGER_VERSION } from './schema.js';

/** The runs of one month file (or of a part of it), in line order. */
export interface FileRuns {
  runs: ReportRun[];
  /** Turns per run (same index), when parsed; false: the line is damaged once its turns are read. */
  turns: (ReportTurn[] | undefined | false)[];
  /** Line number per run (1-based). */
  lines: number[];
  /** Date.parse(started_at) per run. */
  started: number[];
  /** Runs whose pre-filter time differs from their started_at (rare; by index; null: none found). */
  pre: Map<number, number | null>;
  damaged: { line: number; pre: number | undefined }[];
  /** Complete lines seen (the next part continues the numbering). */
  lineCount: number;
}

export function emptyFileRuns(): FileRuns {
  return { runs: [], turns: [], lines: [], started: [], pre: new Map(), damaged: [], lineCount: 0 };
}

// The writer serializes records in schema order, so the bulky fields follow these keys. A key
// inside a string would be escaped (\"), so a raw match can only be a real key.
const TURNS_KEY = ',"turns":[';
const SPANS_KEY = ',"tool_spans":[';
const STARTED_KEY = '"started_at":"';
// The last key the writer puts on every record (only optional fields follow it).
const TAIL_KEY = ',"trace_id":';
// How the writer starts a run record: found after the front, a second record merged into the
// line (an old torn append). It starts with '{', rarer than '"', so the search skips fast.
const KIND_KEY = `{"v":${LEDGER_VERSION},"kind":"run",`;

/** The start time as the pre-filter reads it, without parsing the line. */
export function startedAt(line: string): number | undefined {
  const at = line.indexOf(STARTED_KEY);
  if (at === -1) return undefined;
  const from = at + STARTED_KEY.length;
  const to = line.indexOf('"', from);
  const ms = Date.parse(line.slice(from, to));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Scans `text` (complete lines when `complete`, else possibly a torn last line) into `out`,
 * numbering lines from out.lineCount + 1.
 */
export function scanLines(text: string, out: FileRuns, options: { withTurns: boolean; complete: boolean }) {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const complete = end !== -1 || options.complete;
    if (end === -1) end = text.length;
    const lineNo = ++out.lineCount;
    const line = text.slice(start, end);
    start = end + 1;
    // Blank lines are skipped (two writers that both found a torn end leave one); a torn line
    // of one byte is still damage.
    if (line.length < 2 && line.trim() === '') continue;
    const pre = startedAt(line);
    const parsed = parseLine(line, options.withTurns);
    if (!parsed) {
      // A last line without its newline may be a write in progress: not worth a warning.
      if (complete && line.trim() !== '') out.damaged.push({ line: lineNo, pre });
      continue;
    }
    const index = out.runs.length;
    out.runs.push(parsed.run);
    out.turns.push(parsed.turns);
    out.lines.push(lineNo);
    const ms = Date.parse(parsed.run.started_at);
    out.started.push(ms);
    if (pre !== ms) out.pre.set(index, pre ?? null);
  }
  // A torn last line is not a complete line: the next read starts it again.
  if (!options.complete && text.length > 0 && !text.endsWith('\n')) out.lineCount--;
}

const asTurns = (v: unknown): ReportTurn[] | undefined => (Array.isArray(v) ? v : undefined);

/** One line: the run (without turns) and, when asked, its turns. */
function parseLine(
  line: string,
  withTurns: boolean,
): { run: ReportRun; turns: ReportTurn[] | undefined | false } | undefined {
  const cut = line.indexOf(TURNS_KEY);
  let front: unknown;
  if (cut !== -1) {
    try {
      front = JSON.parse(`${line.slice(0, cut)}}`);
    } catch {
      // The cut assumed the writer's key order; a record written otherwise is parsed whole.
    }
    // The front was parsed alone: unless the line provably ends its record (a torn line never
    // does), it is parsed whole too.
    if (front !== undefined && !wholeLine(line, cut)) front = undefined;
  }
  if (front === undefined) {
    let whole: unknown;
    try {
      whole = JSON.parse(line);
    } catch {
      return undefined;
    }
    const run = checkRun(whole);
    if (!run) return undefined;
    const turns = asTurns(run.turns);
    delete run.turns;
    return { run, turns };
  }
  const run = checkRun(front);
  if (!run || !withTurns) return run ? { run, turns: undefined } : undefined;
  const spans = line.indexOf(SPANS_KEY, cut);
  try {
    return {
      run,
      turns: asTurns(JSON.parse(line.slice(cut + TURNS_KEY.length - 1, spans === -1 ? undefined : spans))),
    };
  } catch {
    try {
      return { run, turns: asTurns((JSON.parse(line) as { turns?: unknown }).turns) };
    } catch {
      // Fine for totals, but damaged for anything that needs its turns.
      return { run, turns: false };
    }
  }
}

/**
 * True when a line whose front parsed ends its record: the part from the last top-level key on
 * parses as an object (a proper prefix of an object never does), and no other record starts in
 * the bulky middle. Damage inside the turns is left to the turns parse.
 */
function wholeLine(line: string, cut: number): boolean {
  const tail = line.lastIndexOf(TAIL_KEY);
  if (tail < cut || line.indexOf(KIND_KEY, cut) !== -1) return false;
  try {
    JSON.parse(`{${line.slice(tail + 1)}`);
    return true;
  } catch {
    return false;
  }
}

/** Parses one ledger line for reports; undefined for a damaged or non-run line. */
export function parseRun(line: string, withTurns: boolean): ReportRun | undefined {
  const parsed = parseLine(line, withTurns);
  if (!parsed || parsed.turns === false) return undefined;
  if (withTurns && parsed.turns !== undefined) parsed.run.turns = parsed.turns;
  return parsed.run;
}

/** The ledger reader's structural check; a record cut before its tool calls gets none. */
function checkRun(value: unknown): ReportRun | undefined {
  const run = checkRunShape(value) as ReportRun | undefined;
  if (run && (typeof run.tool_calls !== 'object' || run.tool_calls === null)) run.tool_calls = {};
  return run;
}
