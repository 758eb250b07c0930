// Per-turn figures of a wrapped run: a record built from the stream Claude Code printed and the
// transcripts it wrote for the same run (both recorded from the real CLI against the scripted
// endpoint) carries each message's final usage per turn, subagent turns included; the turns add up
// to the run's totals (modelUsage), per-turn costs to its cost, and the chat spans carry the same.
import { describe, expect, it } from 'vitest';
import { spansFor } from '../../../src/export/span-model.js';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { formatRunDetail, turnDetails } from '../../../src/report/run-detail.js';
import { SIDE_CALLS_ID } from '../../../src/run/transcript-turns.js';
import { type FoldedTranscript, foldTranscriptFiles } from '../../../src/transcript/fold.js';
import { priceMessage } from '../../../src/transcript/usage.js';
import { type RecordedSession, sessionWith, wrappedRecord } from '../transcript/recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);

/** The record `swarm` writes for a recorded session (one home: transcript/recorded.ts). */
const record = (s: RecordedSession, transcript: FoldedTranscript | undefined): RunRecord =>
  wrappedRecord(s, transcript, table);

const sum = (
  turns: RunRecord['turns'],
  model: string,
  key: 'input' | 'output' | 'cache_read' | 'cache_creation',
) => turns.filter((t) => t.model === model).reduce((n, t) => n + t[key], 0);

describe('per-turn figures from the transcript', () => {
  for (const name of ['tools', 'agent'] as const) {
    it(`${name}: each turn is the message's final usage, and the turns add up to modelUsage`, () => {
      const s = sessionWith(name);
      const transcript = foldTranscriptFiles(s.files);
      const r = record(s, transcript);
      expect(r.turns_source).toBe('transcript');
      const perMessage = (list: { id: string; output: number; input: number }[]) =>
        Object.fromEntries(list.map((x) => [x.id, [x.input, x.output]]));
      expect(
        perMessage(r.turns.map((t) => ({ id: t.message_id, input: t.input, output: t.output }))),
      ).toEqual(
        perMessage(transcript.messages.map((m) => ({ id: m.messageId, input: m.input, output: m.output }))),
      );
      expect(r.turns).toHaveLength(transcript.messages.length);
      expect(r.turns.some((t) => t.side_calls)).toBe(false);
      expect(new Set(r.message_ids)).toEqual(new Set(transcript.messages.map((m) => m.messageId)));
      for (const [model, u] of Object.entries(s.result.modelUsage!)) {
        expect(sum(r.turns, model, 'input'), model).toBe(u.inputTokens);
        expect(sum(r.turns, model, 'output'), model).toBe(u.outputTokens);
        expect(sum(r.turns, model, 'cache_read'), model).toBe(u.cacheReadInputTokens);
        expect(sum(r.turns, model, 'cache_creation'), model).toBe(u.cacheCreationInputTokens);
      }
      // Per-turn costs: each turn's list price, adding up to what Claude Code said the run cost.
      const details = turnDetails(r, table);
      expect(details.reduce((n, t) => n + t.cost_usd, 0)).toBeCloseTo(s.result.total_cost_usd!, 12);
      for (const t of details) {
        const m = transcript.messages.find((x) => x.messageId === r.turns[t.n - 1]!.message_id)!;
        expect(t.cost_usd).toBeCloseTo(priceMessage(m, table)!, 12);
      }
      // The chat spans carry the same output tokens.
      const chats = spansFor([r]).filter((sp) => sp.name.startsWith('chat '));
      expect(chats.map((sp) => sp.attributes['gen_ai.usage.output_tokens'])).toEqual(
        r.turns.map((t) => t.output),
      );
    });
  }

  it('the subagent turns are marked, its last (never streamed) message included', () => {
    const s = sessionWith('agent');
    const r = record(s, foldTranscriptFiles(s.files));
    expect(r.turns.filter((t) => t.subagent).map((t) => t.model)).toEqual([
      'claude-haiku-5-5',
      'claude-haiku-5-5',
      'claude-haiku-5-5',
    ]);
    expect(r.turns.filter((t) => !t.subagent).map((t) => t.model)).toEqual([
      'claude-sonnet-4-5',
      'claude-sonnet-4-5',
    ]);
  });

  it('usage in modelUsage that no message shows becomes one side-call turn per model', () => {
    const s = sessionWith('agent');
    const full = foldTranscriptFiles(s.files);
    // As if the subagent's last request (not in the stream either) had been a side call, shown in
    // modelUsage only.
    const hidden = full.messages.find(
      (m) => m.model === 'claude-haiku-5-5' && !s.stream.includes(m.messageId),
    )!;
    const r = record(s, { ...full, messages: full.messages.filter((m) => m !== hidden) });
    const side = r.turns.filter((t) => t.side_calls);
    expect(side).toEqual([
      expect.objectContaining({
        message_id: `${SIDE_CALLS_ID}claude-haiku-5-5`,
        model: 'claude-haiku-5-5',
        input: hidden.input,
        output: hidden.output,
        cache_read: hidden.cache_read,
        cache_creation: hidden.cache_creation,
      }),
    ]);
    expect(r.message_ids).not.toContain(side[0]!.message_id);
    for (const [model, u] of Object.entries(s.result.modelUsage!))
      expect(sum(r.turns, model, 'output'), model).toBe(u.outputTokens);
    const shown = formatRunDetail(r, turnDetails(r, table)).split('\n');
    expect(shown.filter((l) => l.includes('(side calls'))).toHaveLength(1);
  });

  it('without a transcript, turns are as streamed and marked so', () => {
    const s = sessionWith('tools');
    const r = record(s, undefined);
    expect(r.turns_source).toBe('stream');
    expect(r.turns.map((t) => t.output)).toEqual([1, 1, 1]);
    expect(formatRunDetail(r, turnDetails(r, table))).toContain('(no transcript found');
    const withTranscript = record(s, foldTranscriptFiles(s.files));
    expect(formatRunDetail(withTranscript, turnDetails(withTranscript, table))).not.toContain(
      'no transcript',
    );
  });
});
