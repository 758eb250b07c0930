// Turns a finished run into its ledger record and appends it. Loaded only once Claude Code has
// been spawned (it needs the ledger schema), so it adds nothing to the wrapped run's start-up.
import { ClaudeOtelError } from '../errors.js';
import { appendRunRecord } from '../ledger/append.js';
import { type RunRecord, runRecordSchema } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { buildRunRecord, type RunMeta } from './build-record.js';
import type { AgentOutcome } from './run-agent.js';

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
  const input = buildRunRecord(outcome, meta, table);
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
