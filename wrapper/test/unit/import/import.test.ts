// Import of real Claude Code transcripts (recorded against the scripted endpoint by
// fixtures/transcripts/record-transcripts.ts): pricing, subagents, deduplication against runs the
// wrapper recorded, damaged and typeless lines, and the cap on ledger lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTranscripts } from '../../../src/import/import-transcripts.js';
import { MAX_RECORD_LINE_BYTES } from '../../../src/import/to-records.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { readLedger } from '../../../src/ledger/read.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { identityResolver } from '../../../src/run/context.js';
import { foldTranscriptFiles } from '../../../src/transcript/fold.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { generateHistory } from '../../fixtures/transcripts/generate-history.js';
import { PROJECTS, type RecordedSession, sessionWith, wrappedRecord } from '../transcript/recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);

/** The record `claude-otel swarm` writes for a recorded session, with or without its transcript. */
const wrapped = (s: RecordedSession, withTranscript: boolean) =>
  wrappedRecord(
    s,
    withTranscript ? foldTranscriptFiles(s.files) : undefined,
    table,
    `wrapped-${s.sessionId}`,
  );

describe('importTranscripts', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'import-'));
    env = { CLAUDE_OTEL_HOME: home };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('imports every session, priced like Claude Code prices it, and marked as imported', () => {
    const result = importTranscripts(PROJECTS, table, env);
    // Three sessions; the subagent's transcript is a file of its own.
    expect(result.files).toBe(4);
    expect(result.messages).toBe(3 + 1 + 2 + 3);
    expect(result.skipped_lines).toBe(0);
    const { runs } = readLedger({ env, strict: true });
    expect(runs).toHaveLength(result.records);
    const tools = runs.find((r) => r.session_id === sessionWith('tools').sessionId)!;
    const usage = tools.models['claude-sonnet-4-5']!;
    // The same figures Claude Code's own result reported for this run (modelUsage / total_cost_usd).
    const reported = sessionWith('tools').result;
    const mu = reported.modelUsage!['claude-sonnet-4-5']!;
    expect([usage.prompt, usage.completion, usage.cache_read, usage.cache_creation]).toEqual([
      mu.inputTokens,
      mu.outputTokens,
      mu.cacheReadInputTokens,
      mu.cacheCreationInputTokens,
    ]);
    expect(usage.cache_creation_1h).toBe(300);
    expect(tools.cost_usd).toBeCloseTo(reported.total_cost_usd!, 10);
    expect(tools.cost_source).toBe('price_table');
    expect(tools.termination).toBe('imported');
    expect(tools.imported?.source).toBe('claude-code-transcript');
    expect(tools.tool_calls).toEqual({ Glob: { count: 2, errors: 2, duration_ms: 0 } });
    // Queued for export like any other run.
    expect(fs.readdirSync(path.join(home, 'ledger', 'pending')).sort()).toEqual(
      runs.map((r) => r.run_id).sort(),
    );
  });

  it("imports a session with a subagent on another model as Claude Code's modelUsage and cost", () => {
    const agent = sessionWith('agent');
    importTranscripts(PROJECTS, table, env);
    const runs = readLedger({ env }).runs.filter((r) => r.session_id === agent.sessionId);
    for (const [model, u] of Object.entries(agent.result.modelUsage!)) {
      const got = runs.map((r) => r.models[model]).filter((m) => m !== undefined);
      expect(
        got.reduce((n, m) => n + m.prompt, 0),
        model,
      ).toBe(u.inputTokens);
      expect(
        got.reduce((n, m) => n + m.completion, 0),
        model,
      ).toBe(u.outputTokens);
      expect(
        got.reduce((n, m) => n + m.cache_read, 0),
        model,
      ).toBe(u.cacheReadInputTokens);
      expect(
        got.reduce((n, m) => n + m.cache_creation, 0),
        model,
      ).toBe(u.cacheCreationInputTokens);
    }
    expect(runs.reduce((n, r) => n + r.cost_usd, 0)).toBeCloseTo(agent.result.total_cost_usd!, 12);
  });

  it('in team mode gives every record the identity, with the project of its session directory', () => {
    const identity = identityResolver({ CLAUDE_OTEL_TEAM: 'platform', CLAUDE_OTEL_USER: 'ada' });
    importTranscripts(PROJECTS, table, env, { identity });
    const runs = readLedger({ env }).runs;
    expect(runs.length).toBeGreaterThan(1);
    for (const r of runs)
      expect(r.identity).toEqual({ team: 'platform', user: 'ada', project: path.basename(r.cwd) });
    // Off by default.
    const other = { CLAUDE_OTEL_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'import-')) };
    importTranscripts(PROJECTS, table, other, { identity: identityResolver({}) });
    expect(readLedger({ env: other }).runs.every((r) => !('identity' in r))).toBe(true);
    fs.rmSync(other.CLAUDE_OTEL_HOME, { recursive: true, force: true });
  });

  it('importing twice adds nothing', () => {
    importTranscripts(PROJECTS, table, env);
    const second = importTranscripts(PROJECTS, table, env);
    expect(second.records).toBe(0);
    expect(second.known).toBe(9);
    expect(readLedger({ env }).runs).toHaveLength(4);
  });

  for (const withTranscript of [true, false]) {
    it(`adds nothing after a wrapped run with a subagent (transcript read after the run: ${withTranscript})`, () => {
      const agent = sessionWith('agent');
      appendRunRecord(wrapped(agent, withTranscript), env);
      const result = importTranscripts(PROJECTS, table, env);
      expect(result.known).toBe(5);
      const imported = readLedger({ env }).runs.filter((r) => r.imported);
      expect(imported.filter((r) => r.session_id === agent.sessionId)).toEqual([]);
    });
  }

  it('a wrapper run without message ids hides the messages of its session and time span', () => {
    const tools = sessionWith('tools');
    const { messages } = foldTranscriptFiles(tools.files);
    const wrapperRun = generateRuns(1)[0]!;
    appendRunRecord(
      {
        ...wrapperRun,
        session_id: tools.sessionId,
        started_at: new Date(Math.min(...messages.map((m) => m.at)) - 1000).toISOString(),
        ended_at: new Date(Math.max(...messages.map((m) => m.at)) + 1000).toISOString(),
        message_ids: [],
      },
      env,
    );
    expect(importTranscripts(PROJECTS, table, env).known).toBe(3);
  });

  it('counts and reports lines without a type', () => {
    const dir = path.join(home, 'projects');
    const tools = sessionWith('tools');
    const dest = path.join(dir, tools.project, path.basename(tools.files[0]!));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const text = fs.readFileSync(tools.files[0]!, 'utf8');
    fs.writeFileSync(dest, `{"sessionId":"${tools.sessionId}","note":"no type"}\n${text}{"x":1}\nnot json\n`);
    const result = importTranscripts(dir, table, { CLAUDE_OTEL_HOME: path.join(home, 'otel') });
    expect(result.untyped_lines).toBe(2);
    expect(result.damaged_lines).toBe(1);
    expect(result.skipped_lines).toBe(3);
    expect(result.messages).toBe(3);
  });

  it('a dry run writes nothing', () => {
    const result = importTranscripts(PROJECTS, table, env, { dryRun: true });
    expect(result.records).toBe(4);
    expect(fs.existsSync(path.join(home, 'ledger'))).toBe(false);
  });

  it('splits a busy session so no ledger line passes the cap, totals exact', () => {
    const dir = path.join(home, 'history');
    const history = generateHistory(dir, { bytes: 0, busyHourCopies: 2500, hugeLineBytes: 3 << 20 });
    const otel = { CLAUDE_OTEL_HOME: path.join(home, 'otel') };
    const result = importTranscripts(dir, table, otel);
    expect(result.messages).toBe(history.messages);
    expect(result.tokens).toBe(
      history.tokens.input +
        history.tokens.output +
        history.tokens.cache_read +
        history.tokens.cache_creation,
    );
    const file = fs.readdirSync(path.join(home, 'otel', 'ledger')).find((n) => n.startsWith('runs-'))!;
    const lines = fs
      .readFileSync(path.join(home, 'otel', 'ledger', file), 'utf8')
      .trim()
      .split('\n');
    const longest = Math.max(...lines.map((l) => Buffer.byteLength(l)));
    expect(longest).toBeLessThanOrEqual(MAX_RECORD_LINE_BYTES);
    expect(result.longest_line_bytes).toBe(longest);
    expect(lines.length).toBeGreaterThan(2);
    const { runs } = readLedger({ env: otel, strict: true });
    expect(runs.reduce((n, r) => n + r.num_turns, 0)).toBe(history.messages);
    expect(importTranscripts(dir, table, otel).records).toBe(0);
  }, 60_000);
});
