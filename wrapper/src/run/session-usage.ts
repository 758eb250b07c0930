// Usage of an interactive Claude Code session, read from the transcripts Claude Code keeps of it
// (no result line is printed interactively), main thread and subagents, through the one
// transcript fold. The message ids go on the record so a later `claude-otel import` does not
// count them again.
import type { RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import type { FoldedTranscript } from '../transcript/fold.js';
import { readSessionTranscript, type SessionTranscript } from '../transcript/session.js';
import { usageFromMessages } from '../transcript/usage.js';

export type SessionUsage = Pick<
  RunRecordInput,
  'models' | 'cost_usd' | 'cost_source' | 'unknown_models' | 'message_ids' | 'num_turns' | 'tool_calls'
>;

export function sessionUsage(folded: FoldedTranscript, table: PriceTable): SessionUsage {
  const usage = usageFromMessages(folded.messages, table, folded.toolErrors);
  const ids = folded.messages.map((m) => m.messageId);
  return { ...usage, message_ids: ids, num_turns: ids.length };
}

/** The session's transcripts, or undefined when they cannot be found or read. */
export function readInteractiveSession(
  env: NodeJS.ProcessEnv,
  sessionId: string,
  cwd: string,
): SessionTranscript | undefined {
  try {
    return readSessionTranscript(env, sessionId, { cwd });
  } catch {
    return undefined;
  }
}
