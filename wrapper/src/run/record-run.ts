// Turns a finished run into its ledger record and appends it. Loaded only once Claude Code has
// been spawned (it needs the ledger schema), so it adds nothing to the wrapped run's start-up.
// Claude Code has exited by then: its transcripts of the session (main and subagents) are read
// for the per-turn figures, bounded in size so a huge resumed session cannot hold the run up.
import { ClaudeOtelError } from '../errors.js';
import { appendRunRecord } from '../ledger/append.js';
import { type RunRecord, runRecordSchema } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { readSessionTranscript, type SessionTranscript } from '../transcript/session.js';
import { buildRunRecord, type RunMeta } from './build-record.js';
import type { AgentOutcome } from './run-agent.js';

/** Transcripts larger than this in all are not read: the turns stay as streamed. */
export const MAX_TRANSCRIPT_BYTES = 32 << 20;

/** The messages this run wrote to its session's transcripts, or undefined when none can be read. */
export function runTranscript(
  outcome: AgentOutcome,
  cwd: string,
  env: NodeJS.ProcessEnv,
): SessionTranscript | undefined {
  const sessionId = outcome.acc.sessionId;
  if (!sessionId || outcome.termination === 'spawn_error') return undefined;
  try {
    return readSessionTranscript(env, sessionId, {
      cwd,
      // A resumed session's file holds earlier runs too: only what was written while this one ran.
      from: outcome.startedAt,
      to: outcome.endedAt,
      ids: new Set(outcome.acc.turns.keys()),
      maxBytes: MAX_TRANSCRIPT_BYTES,
    });
  } catch {
    return undefined;
  }
}

export interface RecordedRun {
  record: RunRecord;
  /** Set when the record could not be written: the run is still reported from memory. */
  ledgerError?: ClaudeOtelError;
}

export function recordRun(
  outcome: AgentOutcome,
  meta: RunMeta,
  table: PriceTable,
  env: NodeJS.ProcessEnv,
): RecordedRun {
  const input = buildRunRecord(outcome, meta, table, runTranscript(outcome, meta.cwd, env));
  try {
    return { record: appendRunRecord(input, env) };
  } catch (error) {
    // The run happened and its output must still reach the user: keep the record in memory and
    // report the ledger failure at the end.
    return {
      record: runRecordSchema.parse(input, { jitless: true }),
      ledgerError: error instanceof ClaudeOtelError ? error : new ClaudeOtelError(String(error)),
    };
  }
}
