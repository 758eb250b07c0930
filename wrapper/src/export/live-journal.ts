// The journal of what a run sent live (`<CLAUDE_OTEL_HOME>/running/<run_id>.live.jsonl`, beside
// its running marker): before each live send an intent line with the cumulative figures the send
// brings the run's series to, fsynced; after it, the outcome. Only an acknowledged intent counts as
// sent: a send without an outcome (the wrapper killed mid-send) or with a failure or timeout is
// sent again by the next step, the final delta, or recovery (the one window for a duplicate: the
// collector applied it but its answer never reached the journal). Kept until the run's final
// record is exported, which subtracts it; removed then.
import fs from 'node:fs';
import path from 'node:path';
import { runningDir } from '../config/paths.js';
import { runningEntries } from '../running/markers.js';
import type { LiveFigures } from './live-delta.js';

export const JOURNAL_SUFFIX = '.live.jsonl';

export function journalFile(env: NodeJS.ProcessEnv, runId: string): string {
  return path.join(runningDir(env), `${runId}${JOURNAL_SUFFIX}`);
}

type JournalLine = { seq: number; intent: LiveFigures } | { seq: number; ok: boolean; error?: string };

export interface LiveSent {
  /** Cumulative figures the collector acknowledged, by series key. */
  sent: LiveFigures;
  /** Intents without an acknowledgement (failed, timed out, or cut off by a kill): not counted. */
  unacknowledged: number;
  /** The last sequence number written. */
  seq: number;
}

/** What the journal says was sent for a run; undefined when it has none. */
export function readLiveSent(env: NodeJS.ProcessEnv, runId: string): LiveSent | undefined {
  let text: string;
  try {
    text = fs.readFileSync(journalFile(env, runId), 'utf8');
  } catch {
    return undefined;
  }
  return parseJournal(text);
}

export function parseJournal(text: string): LiveSent {
  const intents = new Map<number, LiveFigures>();
  let acked = 0;
  let seq = 0;
  let sent: LiveFigures = {};
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: JournalLine;
    try {
      line = JSON.parse(raw) as JournalLine;
    } catch {
      continue; // a line cut short by a kill: its intent has no outcome either
    }
    if (typeof line.seq !== 'number') continue;
    seq = Math.max(seq, line.seq);
    if ('intent' in line) intents.set(line.seq, line.intent);
    else if (line.ok && line.seq > acked && intents.has(line.seq)) {
      acked = line.seq;
      sent = intents.get(line.seq)!;
    }
  }
  let unacknowledged = 0;
  for (const s of intents.keys()) if (s > acked) unacknowledged++;
  return { sent, unacknowledged, seq };
}

/**
 * Appends one line; `durable` fsyncs it (an intent must be on disk before its send starts). An
 * outcome is not fsynced: a killed process loses no written line, and an outcome lost with the
 * machine leaves its intent unacknowledged, i.e. sent again (the documented duplicate window).
 */
function append(file: string, line: JournalLine, durable: boolean): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    if (durable) fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class LiveJournal {
  readonly file: string;
  private seq: number;
  private acked: LiveFigures;

  constructor(env: NodeJS.ProcessEnv, runId: string) {
    this.file = journalFile(env, runId);
    const known = readLiveSent(env, runId);
    this.seq = known?.seq ?? 0;
    this.acked = known?.sent ?? {};
  }

  /** Cumulative figures acknowledged so far. */
  get sent(): LiveFigures {
    return this.acked;
  }

  /** Records the intent to bring the series to `target`; returns its sequence number. Throws when
   * the journal cannot be written (the send must then not happen). */
  intend(target: LiveFigures): number {
    const seq = ++this.seq;
    append(this.file, { seq, intent: target }, true);
    return seq;
  }

  /** Records a send's outcome; an acknowledged one becomes what was sent. */
  settle(seq: number, target: LiveFigures, error: string | undefined): void {
    try {
      append(this.file, error === undefined ? { seq, ok: true } : { seq, ok: false, error }, false);
    } catch {
      // Without its outcome the intent counts as unsent: at worst a duplicate, as documented.
    }
    if (error === undefined) this.acked = target;
  }
}

export function removeJournal(env: NodeJS.ProcessEnv, runId: string): void {
  fs.rmSync(journalFile(env, runId), { force: true });
}

/** The acknowledged live figures of those runs that have a journal (one readdir, then only those). */
export function liveSentFor(
  env: NodeJS.ProcessEnv,
  runs: readonly { run_id: string }[],
): Map<string, LiveFigures> {
  const out = new Map<string, LiveFigures>();
  const names = new Set(runningEntries(env).names.filter((n) => n.endsWith(JOURNAL_SUFFIX)));
  if (names.size === 0) return out;
  for (const r of runs) {
    if (!names.has(`${r.run_id}${JOURNAL_SUFFIX}`)) continue;
    const known = readLiveSent(env, r.run_id);
    if (known) out.set(r.run_id, known.sent);
  }
  return out;
}
