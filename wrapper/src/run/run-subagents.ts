// Usage by subagent of a watched run. With the session's transcripts, subagents are the messages
// of the subagent transcripts, typed by their .meta.json (or, without one, by the Agent tool call
// the stream shows their messages under); without transcripts, the streamed subagent messages
// (lines with parent_tool_use_id: their output is the start value, and a subagent's last message
// is missing), typed by the Agent tool call's input. Either way `main` takes the rest of modelUsage.
import type { RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import type { RunAccumulator } from '../stream/run-accumulator.js';
import type { FoldedTranscript } from '../transcript/fold.js';
import type { SubagentMeta } from '../transcript/subagent-meta.js';
import {
  type SubagentBreakdown,
  type SubagentMessage,
  type SubagentOwner,
  subagentBreakdown,
  UNKNOWN_SUBAGENT,
} from '../transcript/subagent-usage.js';

export type RunTranscript = FoldedTranscript & { subagents?: ReadonlyMap<string, SubagentMeta> };

export function runSubagents(
  acc: RunAccumulator,
  transcript: RunTranscript | undefined,
  totals: Pick<RunRecordInput, 'models' | 'cost_usd'>,
  table: PriceTable,
): SubagentBreakdown | undefined {
  const owners = new Map<string, SubagentOwner>();
  const fromCall = (toolUseId: string): SubagentOwner => ({
    type: acc.toolCalls.get(toolUseId)?.subagent_type ?? UNKNOWN_SUBAGENT,
    toolUseId,
  });
  if (transcript && transcript.messages.length > 0) {
    for (const m of transcript.messages) {
      if (m.agentId === null || owners.has(m.agentId)) continue;
      const meta = transcript.subagents?.get(m.agentId);
      const parent = acc.turns.get(m.messageId)?.parent_tool_use_id;
      if (meta) owners.set(m.agentId, { type: meta.type, toolUseId: meta.toolUseId ?? parent ?? null });
      else if (parent) owners.set(m.agentId, fromCall(parent));
    }
    return subagentBreakdown({ messages: transcript.messages, owners, totals, table });
  }
  const messages: SubagentMessage[] = [];
  for (const t of acc.turns.values()) {
    if (!t.parent_tool_use_id) continue;
    if (!owners.has(t.parent_tool_use_id)) owners.set(t.parent_tool_use_id, fromCall(t.parent_tool_use_id));
    messages.push({ ...t, agentId: t.parent_tool_use_id, at: t.started_at });
  }
  return subagentBreakdown({ messages, owners, totals, table });
}
