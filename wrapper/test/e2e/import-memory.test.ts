// Import's memory bound, end to end: the built CLI imports a generated history of many transcript
// files (one of them a single ~20 MB line) in a child process whose peak RSS is read from /proc.
// Import folds one file at a time, so its peak follows the largest file, not the history: the test
// fails if it reads a whole file twice over or keeps what it has imported. It also checks that no
// ledger line passes the record cap and that the imported tokens are exactly the generated ones.
// (The bench, `npm run bench -- import`, does the same at 1 GB; this is its small, always-run form.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_LINE_BYTES } from '../../src/import/to-records.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { generateHistory, type History } from '../fixtures/transcripts/generate-history.js';
import { type MeasuredRun, runCliMeasured } from '../support/peak-rss.js';

const MB = 1 << 20;
const HISTORY_BYTES = 150e6;
const HUGE_LINE_BYTES = 20e6;
/**
 * V8's old space is capped so the collector does not let garbage pile up to whatever the machine
 * allows (unbounded, its slack grows with the bytes read and hides what import holds): peak RSS
 * then follows what import keeps alive, and an import that kept the history would run out of heap.
 */
const NODE_ARGS = ['--max-old-space-size=64'];
/**
 * Peak RSS allowed above the same CLI importing one small session (Node and the CLI's own code),
 * besides the largest file: a second copy of the largest line while it is parsed, V8's young
 * generation and one batch of records.
 */
const ALLOWANCE_BYTES = 48 * MB;

let dir: string;
let history: History;
let base: MeasuredRun;
let run: MeasuredRun;
let otelHome: string;

function importEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: '/usr/bin:/bin', HOME: dir, TZ: 'UTC', CLAUDE_OTEL_HOME: home, CLAUDE_OTEL_EXPORT: 'off' };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-import-memory-'));
  const small = path.join(dir, 'small');
  generateHistory(small, { bytes: 1 });
  const projects = path.join(dir, 'projects');
  history = generateHistory(projects, { bytes: HISTORY_BYTES, hugeLineBytes: HUGE_LINE_BYTES });
  base = await runCliMeasured(
    ['import', '--from', small, '--json'],
    importEnv(path.join(dir, 'base')),
    NODE_ARGS,
  );
  otelHome = path.join(dir, 'otel');
  run = await runCliMeasured(['import', '--from', projects, '--json'], importEnv(otelHome), NODE_ARGS);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('import of a large history', () => {
  it('peaks at the largest file plus an allowance, far below the history', () => {
    expect(base.code, base.stderr).toBe(0);
    expect(run.code, run.stderr).toBe(0);
    expect(history.files).toBeGreaterThan(100);
    expect(history.largestFileBytes).toBeGreaterThan(HUGE_LINE_BYTES);
    expect(base.peakKb).toBeGreaterThan(0);
    const grew = (run.peakKb - base.peakKb) * 1024;
    const seen = `peak ${(run.peakKb / 1024).toFixed(0)} MB, ${(base.peakKb / 1024).toFixed(0)} MB for one session`;
    expect(grew, seen).toBeLessThan(history.largestFileBytes + ALLOWANCE_BYTES);
    expect(grew, seen).toBeLessThan(history.bytes / 2);
  });

  it('writes no ledger line over the record cap, and exactly the generated tokens', () => {
    const result = JSON.parse(run.stdout) as { messages: number; tokens: number; longest_line_bytes: number };
    expect(result.messages).toBe(history.messages);
    const t = history.tokens;
    expect(result.tokens).toBe(t.input + t.output + t.cache_read + t.cache_creation);
    const ledger = path.join(otelHome, 'ledger');
    const sums = { input: 0, output: 0, cache_read: 0, cache_creation: 0 };
    let longest = 0;
    let messages = 0;
    for (const name of fs.readdirSync(ledger).filter((n) => n.startsWith('runs-'))) {
      for (const line of fs.readFileSync(path.join(ledger, name), 'utf8').split('\n')) {
        if (line === '') continue;
        longest = Math.max(longest, Buffer.byteLength(line));
        const record = JSON.parse(line) as RunRecord;
        messages += record.message_ids.length;
        for (const m of Object.values(record.models)) {
          sums.input += m.prompt;
          sums.output += m.completion;
          sums.cache_read += m.cache_read;
          sums.cache_creation += m.cache_creation;
        }
      }
    }
    expect(longest).toBeLessThanOrEqual(MAX_RECORD_LINE_BYTES);
    expect(longest).toBe(result.longest_line_bytes);
    expect(sums).toEqual(history.tokens);
    expect(messages).toBe(history.messages);
  });
});
