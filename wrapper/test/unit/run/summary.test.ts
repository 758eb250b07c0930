// What a swarm prints: the --json document (stable shape, totals zero-filled) and the one-line
// summary, including what it says about models the price table does not know.
import { describe, expect, it } from 'vitest';
import { type RunRecord, runRecordSchema } from '../../../src/ledger/schema.js';
import { formatUsd } from '../../../src/report/format-values.js';
import type { AgentOutcome } from '../../../src/run/run-agent.js';
import { runError, summaryLine, swarmJson, totalsOf } from '../../../src/run/summary.js';
import type { RunAccumulator } from '../../../src/stream/run-accumulator.js';
import { sampleRecord } from '../ledger/sample-record.js';

function record(id: string, edit: (r: RunRecord) => void = () => {}): RunRecord {
  const r = runRecordSchema.parse(sampleRecord(id, '2026-11-05T10:00:00.000Z'));
  edit(r);
  return r;
}

const unknownModel = (cost: number | null) => ({
  prompt: 120,
  completion: 30,
  cache_read: 200,
  cache_creation: 40,
  total: 390,
  cache_creation_5m: 40,
  cache_creation_1h: 0,
  web_search_requests: 0,
  cost_usd: cost,
  cost_source: cost === null ? ('unknown' as const) : ('claude' as const),
});

describe('swarmJson', () => {
  it('has zero-filled totals and no runs for an empty swarm', () => {
    expect(swarmJson('inv-1', [])).toEqual({
      invocation_id: 'inv-1',
      runs: [],
      totals: {
        tokens: { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, total: 0 },
        cost_usd: 0,
      },
    });
  });

  it('lists each run with exactly the documented fields, and sums them', () => {
    const a = record('a');
    const b = record('b', (r) => {
      r.status = 'error';
      r.exit_code = 1;
      r.cost_usd = 0.5;
      r.models = { 'claude-nonexistent-9': unknownModel(null) };
    });
    const json = swarmJson('inv-2', [a, b]);
    expect(json.runs).toEqual([
      {
        run_id: 'a',
        session_id: 'sess-a',
        agent: 'agent-1',
        status: 'success',
        exit_code: 0,
        cost_usd: 0.001,
        models: {
          'claude-sonnet-4-5': {
            prompt: 100,
            completion: 20,
            cache_read: 300,
            cache_creation: 40,
            total: 460,
            cost_usd: 0.001,
          },
        },
      },
      {
        run_id: 'b',
        session_id: 'sess-b',
        agent: 'agent-1',
        status: 'error',
        exit_code: 1,
        cost_usd: 0.5,
        models: {
          'claude-nonexistent-9': {
            prompt: 120,
            completion: 30,
            cache_read: 200,
            cache_creation: 40,
            total: 390,
            cost_usd: null,
          },
        },
      },
    ]);
    expect(json.totals.tokens).toEqual({
      prompt: 220,
      completion: 50,
      cache_read: 500,
      cache_creation: 80,
      total: 850,
    });
    expect(json.totals.cost_usd).toBeCloseTo(0.501, 15);
    expect(totalsOf([a, b])).toEqual(json.totals);
    // Stable through JSON: nothing undefined that would vanish.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('summaryLine', () => {
  it('gives runs, tokens, cost and cache hit ratio in one line', () => {
    const line = summaryLine([record('a'), record('b')]);
    expect(line).toBe(
      'claude-otel: 2 runs · 920 tokens (prompt 200, completion 40, cache read 600, cache write 80) · cost $0.0020 · cache hit 68.2%',
    );
  });

  it('says 1 run, $0.00 and 0.0% for an empty run, and appends a note', () => {
    const r = record('a', (x) => {
      x.models = {};
      x.cost_usd = 0;
    });
    expect(summaryLine([r], 'runs stay unsent')).toBe(
      'claude-otel: 1 run · 0 tokens (prompt 0, completion 0, cache read 0, cache write 0) · cost $0.0000 · cache hit 0.0% · runs stay unsent',
    );
  });

  it('tells an unpriced model from one only Claude Code could price', () => {
    const unpriced = record('a', (r) => {
      r.models = { 'claude-x-1': unknownModel(null) };
      r.unknown_models = ['claude-x-1'];
    });
    const guessed = record('b', (r) => {
      r.models = { 'claude-nonexistent-9': unknownModel(0.0013) };
      r.unknown_models = ['claude-nonexistent-9'];
    });
    expect(summaryLine([unpriced])).toMatch(/ · price unknown for claude-x-1$/);
    expect(summaryLine([guessed])).toMatch(
      / · not in the price table: claude-nonexistent-9 \(cost as Claude Code estimated it\)$/,
    );
    const both = summaryLine([unpriced, guessed, guessed]);
    expect(both).toContain('price unknown for claude-x-1 · not in the price table: claude-nonexistent-9 (');
    expect(both.split('\n')).toHaveLength(1);
    expect(summaryLine([record('c')])).not.toMatch(/unknown|not in the price table/);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0.0000'],
    [0.00004, '$0.0000'],
    [0.0012345, '$0.0012'],
    [0.00999, '$0.0100'],
    [0.01, '$0.0100'],
    [12.345, '$12.3450'],
    [1234.5, '$1234.5000'],
  ])('%d → %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});

describe('runError (the --json error of a failed run)', () => {
  const outcome = (edit: Partial<AgentOutcome> = {}, resultText?: string): AgentOutcome => ({
    acc: { resultText: () => resultText } as unknown as RunAccumulator,
    exitCode: 1,
    signal: null,
    termination: 'completed',
    startedAt: 0,
    endedAt: 1,
    ...edit,
  });
  const failed = record('f', (r) => {
    r.status = 'error';
    r.is_error = true;
    r.exit_code = 1;
  });

  it('is absent for a success', () => {
    expect(runError(outcome({}, 'done'), record('ok'), undefined)).toBeUndefined();
  });

  it.each([
    [
      'an error result: its text',
      outcome({}, 'API Error: 400 scripted failure\n'),
      'API Error: 400 scripted failure',
    ],
    ['a timeout', outcome({ termination: 'timeout', exitCode: null }), 'timed out after 3s'],
    ['the budget', outcome({ termination: 'budget' }), "stopped: the swarm's budget was exceeded"],
    ['a signal', outcome({ termination: 'interrupted' }), 'interrupted'],
    [
      'a spawn error',
      outcome({ termination: 'spawn_error', spawnError: 'ENOENT' }),
      'cannot start claude: ENOENT',
    ],
    ['no result at all', outcome(), 'claude exited with code 1'],
  ])('%s', (_name, o, expected) => {
    expect(runError(o, failed, '3s')).toBe(expected);
  });

  it('lands in the --json run, and only in a failed one', () => {
    const json = swarmJson('inv-3', [record('ok'), failed], [undefined, 'timed out after 3s']);
    expect(json.runs[0]).not.toHaveProperty('error');
    expect(json.runs[1]!.error).toBe('timed out after 3s');
  });
});
