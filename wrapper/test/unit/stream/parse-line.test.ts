// parseStreamLine over every line Claude Code really printed, and over the damage a pipe or a
// future Claude Code could do to a line: it types what it knows and never throws.
import { describe, expect, it } from 'vitest';
import { parseStreamLine } from '../../../src/stream/parse-line.js';
import { RECORDED, rawObjects, streamLines } from './recorded.js';

describe('parseStreamLine on recorded streams', () => {
  it.each(RECORDED)('%s: types every line as Claude Code meant it, none malformed', (name) => {
    const lines = streamLines(name);
    const raw = rawObjects(name);
    expect(raw).toHaveLength(lines.length);
    const kinds = lines.map((l) => parseStreamLine(l).kind);
    const want = raw.map((o) =>
      o.type === 'system' ? (o.subtype === 'init' ? 'init' : 'other') : (o.type as string),
    );
    expect(kinds).toEqual(want);
    expect(kinds[0]).toBe('init');
    expect(kinds.filter((k) => k === 'result')).toHaveLength(1);
  });

  it('keeps the fields claude-otel reads from a real result line', () => {
    const line = streamLines('cache-1h').find((l) => l.includes('"modelUsage"'))!;
    const event = parseStreamLine(line);
    if (event.kind !== 'result') throw new Error(`parsed as ${event.kind}`);
    const raw = JSON.parse(line);
    expect(event.line.total_cost_usd).toBe(raw.total_cost_usd);
    expect(event.line.session_id).toBe(raw.session_id);
    expect(event.line.modelUsage?.['claude-sonnet-4-5']).toMatchObject({
      inputTokens: raw.modelUsage['claude-sonnet-4-5'].inputTokens,
      cacheCreationEphemeral1hInputTokens: 150,
      costUSD: raw.modelUsage['claude-sonnet-4-5'].costUSD,
    });
    // Fields claude-otel does not declare pass through untouched.
    expect((event.line as Record<string, unknown>).terminal_reason).toBe(raw.terminal_reason);
  });

  it('reads the 1-hour cache writes of a streamed assistant message', () => {
    const line = streamLines('cache-1h').find((l) => l.startsWith('{"type":"assistant"'))!;
    const event = parseStreamLine(line);
    if (event.kind !== 'assistant') throw new Error(`parsed as ${event.kind}`);
    expect(event.line.message.usage?.cache_creation?.ephemeral_1h_input_tokens).toBe(50);
    expect(event.line.message.usage?.cache_creation_input_tokens).toBe(80);
  });

  it('never throws on any prefix of a real line (a torn write)', () => {
    for (const line of streamLines('tools-sonnet-4-5')) {
      for (let n = 0; n < line.length; n += 7) {
        const event = parseStreamLine(line.slice(0, n));
        expect(['blank', 'malformed']).toContain(event.kind);
      }
    }
  });
});

describe('parseStreamLine on damaged and unexpected lines', () => {
  it.each([
    ['', 'blank'],
    ['   \t', 'blank'],
    ['\r', 'blank'],
  ])('%j is blank', (text, kind) => {
    expect(parseStreamLine(text)).toEqual({ kind });
  });

  it.each([
    ['{"type":"assistant",', 'not JSON'],
    ['garbage', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['42', 'not a JSON object'],
    ['"result"', 'not a JSON object'],
    ['{"subtype":"init"}', 'no "type" field'],
    ['{"type":7}', 'no "type" field'],
    ['{"type":"assistant","message":{"model":"m","content":[]}}', 'unexpected assistant line at message.id'],
    ['{"type":"assistant"}', 'unexpected assistant line at message'],
    ['{"type":"result"}', 'unexpected result line at subtype'],
    ['{"type":"system","subtype":"init"}', 'unexpected init line at session_id'],
  ])('%s is malformed: %s', (text, reason) => {
    expect(parseStreamLine(text)).toEqual({ kind: 'malformed', reason });
  });

  it('passes other line types and system subtypes through as other', () => {
    expect(parseStreamLine('{"type":"stream_event","event":{}}')).toEqual({
      kind: 'other',
      type: 'stream_event',
    });
    expect(parseStreamLine('{"type":"system","subtype":"compact_boundary"}')).toEqual({
      kind: 'other',
      type: 'system',
    });
  });

  it('tolerates a CRLF line ending and surrounding spaces', () => {
    const event = parseStreamLine('  {"type":"system","subtype":"init","session_id":"s1"}\r');
    expect(event).toMatchObject({ kind: 'init', line: { session_id: 's1' } });
  });

  it('degrades bad values in fields it reads instead of dropping the line', () => {
    const result = parseStreamLine(
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: 'yes',
        total_cost_usd: 'lots',
        num_turns: -1,
        modelUsage: { m: { inputTokens: 5, outputTokens: 6, cacheReadInputTokens: 'x', costUSD: -1 } },
      }),
    );
    if (result.kind !== 'result') throw new Error(`parsed as ${result.kind}`);
    expect(result.line.is_error).toBe(false);
    expect(result.line.total_cost_usd).toBeUndefined();
    expect(result.line.num_turns).toBeUndefined();
    expect(result.line.modelUsage?.m).toMatchObject({ inputTokens: 5, cacheReadInputTokens: 0 });
    expect(result.line.modelUsage?.m?.costUSD).toBeUndefined();

    const assistant = parseStreamLine(
      JSON.stringify({
        type: 'assistant',
        message: { id: 'a', model: 'm', content: 'text', usage: { input_tokens: -3, output_tokens: 1.5 } },
      }),
    );
    if (assistant.kind !== 'assistant') throw new Error(`parsed as ${assistant.kind}`);
    expect(assistant.line.message.content).toEqual([]);
    expect(assistant.line.message.usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
  });
});
