// Usage by subagent on the recorded fixtures (the real CLI against the scripted endpoint: a sonnet
// main thread runs a general-purpose subagent on haiku): the type comes from the .meta.json, the
// shares add up exactly to Claude Code's modelUsage and total_cost_usd, with or without the
// transcripts, and import gives the same split.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CompactIdSet } from '../../../src/import/id-set.js';
import { importTranscriptFiles } from '../../../src/import/import-transcripts.js';
import { recordsFromMessages } from '../../../src/import/to-records.js';
import { readLedger } from '../../../src/ledger/read.js';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import type { RunTranscript } from '../../../src/run/run-subagents.js';
import { foldTranscriptFiles } from '../../../src/transcript/fold.js';
import { readSubagentMetas } from '../../../src/transcript/subagent-meta.js';
import { MAIN_THREAD, subagentBreakdown } from '../../../src/transcript/subagent-usage.js';
import { TOKEN_TYPES } from '../../../src/usage/tokens.js';
import { type RecordedSession, sessionWith, wrappedRecord } from './recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);
const HAIKU = 'claude-haiku-5-5';
const SONNET = 'claude-sonnet-4-5';
const AGENT_CALL = 'toolu_msg_scripted_5_9428';

const record = (s: RecordedSession, transcript: RunTranscript | undefined) =>
  wrappedRecord(s, transcript, table);

/** Asserts that the shares add up to the record's totals, token type by token type, and its cost. */
function expectExactSum(r: Pick<RunRecord, 'models' | 'cost_usd' | 'subagents'>) {
  const shares = Object.values(r.subagents!);
  for (const [model, u] of Object.entries(r.models)) {
    for (const type of [...TOKEN_TYPES, 'cache_creation_1h', 'cache_creation_5m'] as const) {
      const sum = shares.reduce((n, s) => n + (s.models[model]?.[type] ?? 0), 0);
      expect(sum, `${model} ${type}`).toBe(u[type]);
    }
    const cost = shares.reduce((n, s) => n + (s.models[model]?.cost_usd ?? 0), 0);
    expect(cost, `${model} cost`).toBeCloseTo(u.cost_usd!, 12);
  }
  expect(shares.reduce((n, s) => n + s.cost_usd, 0)).toBeCloseTo(r.cost_usd, 12);
}

describe('usage by subagent of a wrapped run', () => {
  const s = sessionWith('agent');
  const mu = s.result.modelUsage!;

  it('with the transcripts: typed by .meta.json, the subagent has its messages, main the rest', () => {
    const folded = foldTranscriptFiles(s.files);
    const r = record(s, { ...folded, subagents: readSubagentMetas(s.files.slice(1)) });
    expect(Object.keys(r.subagents!).sort()).toEqual(['general-purpose', MAIN_THREAD]);
    const sub = r.subagents!['general-purpose']!;
    expect(sub.invocations).toBe(1);
    expect(r.subagents![MAIN_THREAD]!.invocations).toBe(0);
    // Every haiku request was the subagent's: its share is haiku's modelUsage, cost included.
    expect(Object.keys(sub.models)).toEqual([HAIKU]);
    expect([sub.models[HAIKU]!.prompt, sub.models[HAIKU]!.completion]).toEqual([
      mu[HAIKU]!.inputTokens,
      mu[HAIKU]!.outputTokens,
    ]);
    expect(sub.cost_usd).toBeCloseTo(mu[HAIKU]!.costUSD!, 12);
    expect(Object.keys(r.subagents![MAIN_THREAD]!.models)).toEqual([SONNET]);
    expect(r.subagents![MAIN_THREAD]!.cost_usd).toBeCloseTo(mu[SONNET]!.costUSD!, 12);
    expectExactSum(r);
    expect(r.subagent_calls).toEqual([
      expect.objectContaining({
        agent_id: 'a3fabba9a5e949cb2',
        type: 'general-purpose',
        tool_use_id: AGENT_CALL,
        models: [HAIKU],
      }),
    ]);
    expect(r.subagent_calls![0]!.tokens.total).toBe(sub.models[HAIKU]!.total);
  });

  it("a custom agent's name comes from .meta.json, not from the stream's Agent call", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sub-meta-'));
    try {
      const copy = path.join(dir, path.basename(s.files[1]!));
      fs.copyFileSync(s.files[1]!, copy);
      const meta = JSON.parse(fs.readFileSync(s.files[1]!.replace(/\.jsonl$/, '.meta.json'), 'utf8'));
      fs.writeFileSync(
        copy.replace(/\.jsonl$/, '.meta.json'),
        JSON.stringify({ ...meta, agentType: 'code-reviewer' }),
      );
      const r = record(s, { ...foldTranscriptFiles(s.files), subagents: readSubagentMetas([copy]) });
      expect(Object.keys(r.subagents!).sort()).toEqual(['code-reviewer', MAIN_THREAD]);
      expect(r.subagent_calls![0]!.type).toBe('code-reviewer');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without .meta.json the type comes from the Agent tool call the stream shows', () => {
    const r = record(s, foldTranscriptFiles(s.files));
    expect(Object.keys(r.subagents!).sort()).toEqual(['general-purpose', MAIN_THREAD]);
    expect(r.subagent_calls![0]!.tool_use_id).toBe(AGENT_CALL);
    expectExactSum(r);
  });

  it('without transcripts: the streamed subagent messages, and main takes the rest of modelUsage', () => {
    const r = record(s, undefined);
    const sub = r.subagents!['general-purpose']!;
    // The stream lacks the subagent's last message and shows output at message start.
    expect(sub.models[HAIKU]!.total).toBeLessThan(r.models[HAIKU]!.total);
    expect(r.subagents![MAIN_THREAD]!.models[HAIKU]!.total).toBeGreaterThan(0);
    expect(r.subagent_calls![0]!.agent_id).toBe(AGENT_CALL);
    expectExactSum(r);
  });

  it('side calls that only modelUsage shows go to main', () => {
    const folded = foldTranscriptFiles(s.files);
    const totals = {
      models: { ...record(s, undefined).models },
      cost_usd: s.result.total_cost_usd!,
    };
    const sonnet = totals.models[SONNET]!;
    totals.models[SONNET] = { ...sonnet, prompt: sonnet.prompt + 1000, total: sonnet.total + 1000 };
    const split = subagentBreakdown({
      messages: folded.messages,
      owners: new Map([['a3fabba9a5e949cb2', { type: 'Explore', toolUseId: null }]]),
      totals,
      table,
    })!;
    expect(split.subagents[MAIN_THREAD]!.models[SONNET]!.prompt).toBe(sonnet.prompt + 1000);
    expect(split.subagents.Explore!.models[SONNET]).toBeUndefined();
    expectExactSum({ ...totals, subagents: split.subagents });
  });

  it('a run without subagents has no breakdown', () => {
    const r = record(sessionWith('tools'), foldTranscriptFiles(sessionWith('tools').files));
    expect(r.subagents).toBeUndefined();
    expect(r.subagent_calls).toBeUndefined();
  });
});

describe('usage by subagent of imported messages', () => {
  it('a subagent whose messages fall in two records (two UTC hours) is one invocation', () => {
    const s = sessionWith('agent');
    const sub = foldTranscriptFiles(s.files.slice(1)).messages;
    expect(sub.length).toBeGreaterThan(1);
    // The subagent's later messages an hour on: import groups records by session and UTC hour.
    const moved = sub.map((m, i) => (i === 0 ? m : { ...m, at: m.at + 3_600_000 }));
    const { records } = recordsFromMessages(moved, {
      table,
      file: s.files[1]!,
      invocationId: 'i',
      known: { messageIds: new CompactIdSet(), sessionSpans: new Map() },
      toolErrors: new Set(),
      subagents: readSubagentMetas(s.files.slice(1)),
    });
    expect(records).toHaveLength(2);
    const invocations = records.map((r) => r.subagents?.['general-purpose']?.invocations);
    expect(invocations).toEqual([1, 0]);
    for (const r of records) expect(Object.keys(r.subagents!)).toEqual(['general-purpose']);
  });
});

describe('usage by subagent of an imported session', () => {
  let home: string | undefined;
  afterEach(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
    home = undefined;
  });

  it('the subagent transcript becomes its type, counted once, and the session adds up', () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sub-import-'));
    const env = { CLAUDE_OTEL_HOME: home };
    const s = sessionWith('agent');
    importTranscriptFiles(s.files, table, env);
    const { runs } = readLedger({ env, strict: true });
    const byType = new Map<string, { invocations: number; total: number; cost: number }>();
    expect(runs.filter((r) => r.subagents)).toHaveLength(1);
    for (const r of runs) {
      if (r.subagents) expectExactSum(r);
      for (const [type, u] of Object.entries(r.subagents ?? { [MAIN_THREAD]: undefined })) {
        const e = byType.get(type) ?? { invocations: 0, total: 0, cost: 0 };
        e.invocations += u?.invocations ?? 0;
        e.total += u ? Object.values(u.models).reduce((n, m) => n + m.total, 0) : 0;
        e.cost += u?.cost_usd ?? 0;
        byType.set(type, e);
      }
    }
    expect(byType.get('general-purpose')?.invocations).toBe(1);
    const haiku = s.result.modelUsage![HAIKU]!;
    expect(byType.get('general-purpose')?.total).toBe(
      haiku.inputTokens + haiku.outputTokens + haiku.cacheReadInputTokens + haiku.cacheCreationInputTokens,
    );
    expect(byType.get('general-purpose')?.cost).toBeCloseTo(haiku.costUSD!, 12);
  });
});
