// The one transcript fold, over transcripts recorded from the real Claude Code CLI against the
// scripted endpoint: each message's final usage equals what the endpoint served, subagents'
// transcripts included, and lines that are damaged or have no type are counted, not dropped silently.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forEachFileLine } from '../../../src/file-lines.js';
import { foldTranscript, foldTranscriptFiles } from '../../../src/transcript/fold.js';
import { turnUsage } from '../../support/scripted-api/scenario.js';
import { sessionWith } from './recorded.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const usageOf = (turns: number, params: Record<string, string>) =>
  Array.from({ length: turns }, (_, k) => turnUsage({ name: 'tools', params }, k));

describe('foldTranscript', () => {
  it('folds the lines of one message into one, with the usage the endpoint sent', () => {
    const tools = sessionWith('tools');
    const { messages, skipped } = foldTranscriptFiles(tools.files);
    expect(skipped).toBe(0);
    // turns=2: two tool-use turns and a final answer; tool-use turns are written on two lines.
    const served = usageOf(3, { in: '1200', out: '80', cr: '500', cc: '300', cc1h: '100' });
    expect(messages.map((m) => m.input)).toEqual(served.map((u) => u.input_tokens));
    expect(messages.map((m) => m.output)).toEqual(served.map((u) => u.output_tokens));
    expect(messages.map((m) => m.cache_creation_1h)).toEqual([100, 100, 100]);
    expect(messages.every((m) => m.requestId?.startsWith('req_scripted_'))).toBe(true);
    expect(messages.filter((m) => m.tools.length === 1)).toHaveLength(2);
  });

  it("reads a subagent's transcript, last text-only message included, and equals Claude Code's modelUsage", () => {
    const agent = sessionWith('agent');
    expect(agent.files).toHaveLength(2);
    const { messages } = foldTranscriptFiles(agent.files);
    const main = messages.filter((m) => !m.sidechain);
    const sub = messages.filter((m) => m.sidechain);
    expect(main.map((m) => m.model)).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5']);
    expect(sub.map((m) => m.model)).toEqual(['claude-haiku-5-5', 'claude-haiku-5-5', 'claude-haiku-5-5']);
    expect(new Set(sub.map((m) => m.agentId)).size).toBe(1);
    expect(sub.map((m) => m.output)).toEqual(
      usageOf(3, { in: '300', out: '45' }).map((u) => u.output_tokens),
    );
    // The stream never shows the subagent's last message; the transcript does.
    const streamed = new Set(
      agent.stream
        .split('\n')
        .filter((l) => l.includes('"type":"assistant"'))
        .map((l) => (JSON.parse(l) as { message: { id: string } }).message.id),
    );
    expect(sub.filter((m) => !streamed.has(m.messageId))).toHaveLength(1);
    for (const [model, u] of Object.entries(agent.result.modelUsage ?? {})) {
      const of = messages.filter((m) => m.model === model);
      expect(
        of.reduce((n, m) => n + m.input, 0),
        model,
      ).toBe(u.inputTokens);
      expect(
        of.reduce((n, m) => n + m.output, 0),
        model,
      ).toBe(u.outputTokens);
      expect(
        of.reduce((n, m) => n + m.cache_read, 0),
        model,
      ).toBe(u.cacheReadInputTokens);
      expect(
        of.reduce((n, m) => n + m.cache_creation, 0),
        model,
      ).toBe(u.cacheCreationInputTokens);
    }
  });

  it('counts lines without a type and damaged lines', () => {
    const text = fs.readFileSync(sessionWith('tools').files[0]!, 'utf8');
    const clean = foldTranscript(text);
    const lines = text.split('\n');
    const assistant = lines.findIndex((l) => l.includes('"type":"assistant"'));
    const damagedText = [
      ...lines.slice(0, assistant),
      '{"sessionId":"x","message":{"role":"user","content":"no type"}}',
      '["an","array"]',
      lines[assistant]!.slice(0, 200),
      ...lines.slice(assistant),
    ].join('\n');
    const damaged = foldTranscript(damagedText);
    expect(damaged.untyped).toBe(2);
    expect(damaged.damaged).toBe(1);
    expect(damaged.skipped).toBe(3);
    // The torn copy of a line leaves the message's usage as the intact lines give it.
    expect(damaged.messages.map((m) => m.output)).toEqual(clean.messages.map((m) => m.output));
  });
});

describe('forEachFileLine', () => {
  it('gives every line of a file, lines longer than its read chunk included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lines-'));
    dirs.push(dir);
    const lines = ['a', 'x'.repeat(3 * (1 << 20) + 5), '', 'é'.repeat(700_000), 'last without newline'];
    const file = path.join(dir, 'f.jsonl');
    fs.writeFileSync(file, lines.join('\n'));
    const read: string[] = [];
    forEachFileLine(file, (l) => read.push(l));
    expect(read).toEqual(lines);
    // A two-byte character cut by the chunk boundary, the first byte alone in the first chunk.
    const cut = ['y'.repeat((1 << 20) - 1) + 'é' + 'z', 'next'];
    fs.writeFileSync(file, `${cut.join('\n')}\n`);
    const again: string[] = [];
    forEachFileLine(file, (l) => again.push(l));
    expect(again).toEqual(cut);
  });
});
