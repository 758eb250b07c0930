// Import of real Claude Code transcripts (recorded against the scripted endpoint by
// fixtures/transcripts/record-transcripts.ts): parsing, pricing, and deduplication.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTranscripts, importTranscripts } from '../../../src/import/import-transcripts.js';
import { parseTranscript } from '../../../src/import/transcript.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { readLedger } from '../../../src/ledger/read.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/transcripts/projects',
);
const table = buildPriceTable(BUILTIN_PRICE_TABLE);
const files = findTranscripts(FIXTURES);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const toolsIndex = texts.findIndex((t) => t.includes('scenario:tools'));

describe('parseTranscript', () => {
  it('folds the lines of one message into one, with the usage the endpoint sent', () => {
    const { messages, skipped } = parseTranscript(texts[toolsIndex]!);
    expect(skipped).toBe(0);
    // turns=2: two tool-use turns and a final answer; each is written on two lines (text + tool_use).
    expect(messages).toHaveLength(3);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(3);
    expect(messages.map((m) => m.input)).toEqual([1200, 1217, 1234]);
    expect(messages.map((m) => m.output)).toEqual([80, 85, 90]);
    expect(messages.map((m) => m.cache_creation_1h)).toEqual([100, 100, 100]);
    expect(messages[0]!.model).toBe('claude-sonnet-4-5');
    expect(messages.filter((m) => m.tools.length === 1)).toHaveLength(2);
  });
});

describe('importTranscripts', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'import-'));
    env = { CLAUDE_OTEL_HOME: home };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('imports every session, priced like Claude Code prices it, and marked as imported', () => {
    const result = importTranscripts(FIXTURES, table, env);
    expect(result.files).toBe(2);
    expect(result.messages).toBe(4);
    expect(result.records).toBe(2);
    const { runs } = readLedger({ env, strict: true });
    expect(runs).toHaveLength(2);
    const tools = runs.find((r) => r.num_turns === 3)!;
    const usage = tools.models['claude-sonnet-4-5']!;
    // The same figures Claude Code's own result reported for this run (modelUsage / total_cost_usd).
    expect([usage.prompt, usage.completion, usage.cache_read, usage.cache_creation]).toEqual([
      3651, 255, 1533, 909,
    ]);
    expect(usage.cache_creation_1h).toBe(300);
    expect(tools.cost_usd).toBeCloseTo(0.01932165, 10);
    expect(tools.cost_source).toBe('price_table');
    expect(tools.termination).toBe('imported');
    expect(tools.imported?.source).toBe('claude-code-transcript');
    expect(tools.tool_calls).toEqual({ Glob: { count: 2, errors: 2, duration_ms: 0 } });
    // Queued for export like any other run.
    expect(fs.readdirSync(path.join(home, 'ledger', 'pending')).sort()).toEqual(
      runs.map((r) => r.run_id).sort(),
    );
  });

  it('importing twice adds nothing', () => {
    importTranscripts(FIXTURES, table, env);
    const second = importTranscripts(FIXTURES, table, env);
    expect(second.records).toBe(0);
    expect(second.known).toBe(4);
    expect(readLedger({ env }).runs).toHaveLength(2);
  });

  it('a session the wrapper already recorded is not counted again', () => {
    const { messages } = parseTranscript(texts[toolsIndex]!);
    const wrapperRun = generateRuns(1)[0]!;
    appendRunRecord({ ...wrapperRun, message_ids: messages.map((m) => m.messageId) }, env);
    const result = importTranscripts(FIXTURES, table, env);
    expect(result.known).toBe(3);
    expect(result.records).toBe(1);
    const imported = readLedger({ env }).runs.filter((r) => r.imported);
    expect(imported.map((r) => r.num_turns)).toEqual([1]);
  });

  it('a wrapper run without message ids hides the messages of its session and time span', () => {
    const { messages } = parseTranscript(texts[toolsIndex]!);
    const first = messages[0]!;
    const wrapperRun = generateRuns(1)[0]!;
    appendRunRecord(
      {
        ...wrapperRun,
        session_id: first.sessionId,
        started_at: new Date(first.at - 1000).toISOString(),
        ended_at: new Date(first.at + 1000).toISOString(),
        message_ids: [],
      },
      env,
    );
    expect(importTranscripts(FIXTURES, table, env).known).toBe(3);
  });

  it('a dry run writes nothing', () => {
    const result = importTranscripts(FIXTURES, table, env, { dryRun: true });
    expect(result.records).toBe(2);
    expect(fs.existsSync(path.join(home, 'ledger'))).toBe(false);
  });
});
