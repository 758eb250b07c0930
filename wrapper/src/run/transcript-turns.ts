// Per-turn figures of a watched run from Claude Code's transcripts: the stream shows each message's
// usage at its start (output is 1 or a little more), the transcript its final usage, and it has the
// subagent messages the stream never shows. Turns keep the stream's timing where the stream had the
// message. Usage in modelUsage that no message shows (side calls) becomes one `side_calls` turn per
// model, so the turns add up to the run's totals and per-turn costs to the run's cost.
import type { RunRecordInput } from '../ledger/schema.js';
import type { Turn } from '../stream/run-accumulator.js';
import type { TranscriptMessage } from '../transcript/fold.js';

type TurnRecord = RunRecordInput['turns'][number];

/** Prefix of the message id of a side-call turn (not a real message id: never in message_ids). */
export const SIDE_CALLS_ID = 'side-calls:';
/** A turn as the stream showed it (output is the message's start value: see DESIGN). */
export function streamedTurn(t: Turn): TurnRecord {
  return {
    message_id: t.message_id,
    model: t.model,
    start_ms: t.started_at,
    end_ms: t.ended_at,
    input: t.input,
    output: t.output,
    cache_read: t.cache_read,
    cache_creation: t.cache_creation,
    cache_creation_1h: t.cache_creation_1h,
    tool_uses: t.tool_uses,
    subagent: t.subagent,
  };
}

/** At most this many turns are kept in a record (all message ids are kept). */
export const MAX_TURNS = 5000;

export interface TranscriptTurns {
  turns: TurnRecord[];
  message_ids: string[];
}

export function turnsFromTranscript(
  streamTurns: ReadonlyMap<string, Turn>,
  messages: readonly TranscriptMessage[],
  models: RunRecordInput['models'],
  endedAt: number,
): TranscriptTurns {
  const turns: TurnRecord[] = [];
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    // One message id may carry more than one request id (a retried request): each was billed.
    if (!seen.has(m.messageId)) ids.push(m.messageId);
    seen.add(m.messageId);
    const streamed = streamTurns.get(m.messageId);
    turns.push({
      message_id: m.messageId,
      model: m.model,
      start_ms: streamed?.started_at ?? m.at,
      end_ms: streamed?.ended_at ?? m.at,
      input: m.input,
      output: m.output,
      cache_read: m.cache_read,
      cache_creation: m.cache_creation,
      cache_creation_1h: Math.min(m.cache_creation_1h, m.cache_creation),
      tool_uses: m.tools.length,
      subagent: m.sidechain,
    });
  }
  // Streamed messages the transcript lacks (it was cut short) keep their streamed figures.
  for (const t of streamTurns.values()) {
    if (seen.has(t.message_id)) continue;
    ids.push(t.message_id);
    turns.push(streamedTurn(t));
  }
  turns.sort((a, b) => a.start_ms - b.start_ms);
  const kept = turns.slice(0, MAX_TURNS);
  kept.push(...sideCallTurns(turns, models, endedAt));
  return { turns: kept, message_ids: ids };
}

function sideCallTurns(turns: TurnRecord[], models: RunRecordInput['models'], at: number): TurnRecord[] {
  const out: TurnRecord[] = [];
  for (const [model, u] of Object.entries(models)) {
    const sum = { input: 0, output: 0, cache_read: 0, cache_creation: 0, cache_creation_1h: 0 };
    for (const t of turns) {
      if (t.model !== model) continue;
      sum.input += t.input;
      sum.output += t.output;
      sum.cache_read += t.cache_read;
      sum.cache_creation += t.cache_creation;
      sum.cache_creation_1h += t.cache_creation_1h ?? 0;
    }
    const rest = {
      input: Math.max(0, u.prompt - sum.input),
      output: Math.max(0, u.completion - sum.output),
      cache_read: Math.max(0, u.cache_read - sum.cache_read),
      cache_creation: Math.max(0, u.cache_creation - sum.cache_creation),
      cache_creation_1h: Math.max(0, (u.cache_creation_1h ?? 0) - sum.cache_creation_1h),
    };
    if (rest.input + rest.output + rest.cache_read + rest.cache_creation === 0) continue;
    out.push({
      message_id: `${SIDE_CALLS_ID}${model}`,
      model,
      start_ms: at,
      end_ms: at,
      ...rest,
      cache_creation_1h: Math.min(rest.cache_creation_1h, rest.cache_creation),
      tool_uses: 0,
      subagent: false,
      side_calls: true,
    });
  }
  return out;
}
