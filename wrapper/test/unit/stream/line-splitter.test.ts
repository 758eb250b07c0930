// LineSplitter: the same lines whatever the pipe's chunking (including a multi-byte character cut
// between chunks), and lines over the limit dropped and counted instead of buffered.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/stream/line-splitter.js';
import { streamText } from './recorded.js';

function split(chunks: (Buffer | string)[], maxLine?: number, end = true) {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), maxLine);
  for (const c of chunks) splitter.push(c);
  if (end) splitter.end();
  return { lines, oversized: splitter.oversized };
}

function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('LineSplitter', () => {
  it('gives a recorded stream back line by line at every chunk size', () => {
    const text = streamText('tools-sonnet-4-5');
    const want = text.replace(/\n$/, '').split('\n');
    expect(want.length).toBeGreaterThan(5);
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 7, 64, 1000, 4096, bytes.length]) {
      expect(split(chunked(bytes, size)).lines, `chunk size ${size}`).toEqual(want);
    }
  });

  it('decodes multi-byte UTF-8 characters cut at every byte between chunks', () => {
    const text = 'é€ 😀 日本\n{"text":"naïve — ✓ 🚀"}\nend€';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const { lines } = split([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(lines, `cut at byte ${cut}`).toEqual(['é€ 😀 日本', '{"text":"naïve — ✓ 🚀"}', 'end€']);
    }
    // One byte at a time: every character arrives split.
    expect(split(chunked(bytes, 1)).lines).toEqual(text.split('\n'));
  });

  it('flushes a last line without a newline only at end(), and nothing for a trailing newline', () => {
    expect(split(['a\nb'], undefined, false).lines).toEqual(['a']);
    expect(split(['a\nb']).lines).toEqual(['a', 'b']);
    expect(split(['a\n']).lines).toEqual(['a']);
    expect(split(['a\n\nb\n']).lines).toEqual(['a', '', 'b']);
    expect(split([]).lines).toEqual([]);
  });

  it('drops an oversized line, counts it, and keeps the lines around it', () => {
    const long = 'x'.repeat(25);
    const text = `short\n${long}\nafter\n${long}`;
    const { lines, oversized } = split(chunked(Buffer.from(text), 4), 10);
    expect(lines).toEqual(['short', 'after']);
    expect(oversized).toBe(2);
  });

  it('treats a line exactly at the limit as fine and one character more as oversized', () => {
    expect(split(['0123456789\n'], 10)).toEqual({ lines: ['0123456789'], oversized: 0 });
    expect(split(['0123456789a\nok\n'], 10)).toEqual({ lines: ['ok'], oversized: 1 });
  });

  it('drops and counts the same lines whatever the chunking', () => {
    const text = `a\n${'y'.repeat(11)}\nb\n${'z'.repeat(30)}\n${'w'.repeat(10)}\nc`;
    const bytes = Buffer.from(text);
    const want = { lines: ['a', 'b', 'w'.repeat(10), 'c'], oversized: 2 };
    for (let size = 1; size <= bytes.length; size++) {
      expect(split(chunked(bytes, size), 10), `chunk size ${size}`).toEqual(want);
    }
  });

  it('accepts string chunks as well as buffers', () => {
    expect(split(['{"a"', ':1}\n{"b":2}']).lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});
