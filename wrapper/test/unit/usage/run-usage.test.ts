// A run's usage: billed totals from the result's modelUsage (checked against the recorded result
// and against what the scripted endpoint served), and the stream-only fallback for runs cut short.
import { describe, expect, it } from 'vitest';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { priceRequest } from '../../../src/pricing/price-usage.js';
import { RunAccumulator } from '../../../src/stream/run-accumulator.js';
import type { ResultLine } from '../../../src/stream/schema.js';
import { modelUsageFromEntry, usageFromResult, usageFromStream } from '../../../src/usage/run-usage.js';
import { turnUsage } from '../../support/scripted-api/scenario.js';
import { RECORDED, rawResult, scenarioOf, streamLines } from '../stream/recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);

function accumulate(lines: string[]): RunAccumulator {
  const acc = new RunAccumulator(0);
  for (const line of lines) acc.push(line, 1);
  return acc;
}

const withUsage = RECORDED.filter((n) => Object.keys(rawResult(n).modelUsage).length > 0);

describe('usage from the result', () => {
  it.each(withUsage)("%s: equals the result's modelUsage exactly", (name) => {
    const raw = rawResult(name);
    const usage = usageFromStream(accumulate(streamLines(name)), table);
    expect(usage.usage_source).toBe('result');
    expect(usage.cost_source).toBe('claude');
    expect(usage.cost_usd).toBe(raw.total_cost_usd);
    expect(usage.unknown_models).toEqual([]);
    expect(Object.keys(usage.models)).toEqual(Object.keys(raw.modelUsage));
    const sum = { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0 };
    for (const [model, mu] of Object.entries(raw.modelUsage)) {
      expect(usage.models[model]).toEqual({
        prompt: mu.inputTokens,
        completion: mu.outputTokens,
        cache_read: mu.cacheReadInputTokens,
        cache_creation: mu.cacheCreationInputTokens,
        total: mu.inputTokens + mu.outputTokens + mu.cacheReadInputTokens + mu.cacheCreationInputTokens,
        cache_creation_5m: mu.cacheCreationEphemeral5mInputTokens,
        cache_creation_1h: mu.cacheCreationEphemeral1hInputTokens,
        web_search_requests: 0,
        cost_usd: mu.costUSD,
        cost_source: 'claude',
      });
      sum.prompt += mu.inputTokens;
      sum.completion += mu.outputTokens;
      sum.cache_read += mu.cacheReadInputTokens;
      sum.cache_creation += mu.cacheCreationInputTokens;
    }
    expect(usage.tokens).toEqual({
      ...sum,
      total: sum.prompt + sum.completion + sum.cache_read + sum.cache_creation,
    });
  });

  it.each(withUsage)(
    '%s: the totals are what the scripted endpoint served, priced as Claude Code did',
    (name) => {
      const s = scenarioOf(name);
      const requests = streamLines(name).filter((l) => l.startsWith('{"type":"assistant"'));
      const turns = new Set(requests.map((l) => JSON.parse(l).message.id)).size;
      const served = { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, cost: 0 };
      const rates = table.lookup(s.model)!.rates;
      for (let t = 0; t < turns; t++) {
        const u = turnUsage({ name: s.scenario, params: s.params }, t);
        served.prompt += u.input_tokens;
        served.completion += u.output_tokens;
        served.cache_read += u.cache_read_input_tokens;
        served.cache_creation += u.cache_creation_input_tokens;
        served.cost += priceRequest(rates, {
          input: u.input_tokens,
          output: u.output_tokens,
          cache_read: u.cache_read_input_tokens,
          cache_creation: u.cache_creation_input_tokens,
          cache_creation_1h: u.cache_creation.ephemeral_1h_input_tokens,
        });
      }
      const usage = usageFromStream(accumulate(streamLines(name)), table);
      expect(usage.models[s.model]).toMatchObject({
        prompt: served.prompt,
        completion: served.completion,
        cache_read: served.cache_read,
        cache_creation: served.cache_creation,
      });
      expect(usage.cost_usd).toBeCloseTo(served.cost, 12);
    },
  );

  it('the sum of per-message usage undercounts output; modelUsage does not', () => {
    const name = 'tools-sonnet-4-5';
    const acc = accumulate(streamLines(name));
    const streamed = acc.streamedRequests().get('claude-sonnet-4-5')!;
    const streamedOutput = streamed.reduce((n, r) => n + r.output, 0);
    const billed = rawResult(name).modelUsage['claude-sonnet-4-5']!.outputTokens;
    // Each streamed message shows output_tokens as of message start (1).
    expect(streamedOutput).toBe(streamed.length);
    expect(streamedOutput).toBeLessThan(billed);
    expect(usageFromStream(acc, table).models['claude-sonnet-4-5']!.completion).toBe(billed);
  });

  it('the API error run has no usage and costs nothing', () => {
    const usage = usageFromStream(accumulate(streamLines('api-error')), table);
    expect(usage).toMatchObject({ models: {}, cost_usd: 0, cost_source: 'claude', unknown_models: [] });
    expect(usage.tokens.total).toBe(0);
  });

  it("falls back to the result's usage under the init model when modelUsage is missing", () => {
    const acc = accumulate(streamLines('cache-1h'));
    const { modelUsage: _dropped, ...rest } = acc.result!;
    const usage = usageFromResult(rest as ResultLine, table, acc.initModel);
    const u = acc.result!.usage!;
    expect(Object.keys(usage.models)).toEqual(['claude-sonnet-4-5']);
    expect(usage.models['claude-sonnet-4-5']).toMatchObject({
      prompt: u.input_tokens,
      completion: u.output_tokens,
      cache_read: u.cache_read_input_tokens,
      cache_creation: u.cache_creation_input_tokens,
      cache_creation_1h: 150,
      cache_creation_5m: 99,
      cost_source: 'price_table',
    });
    // The reported total is still the run's cost, and the table agrees with it.
    expect(usage.cost_usd).toBe(acc.result!.total_cost_usd);
    expect(usage.models['claude-sonnet-4-5']!.cost_usd).toBeCloseTo(acc.result!.total_cost_usd!, 12);
  });

  it('lists a model the table does not know, keeping the cost Claude Code reported for it', () => {
    const lines = streamLines('hello').map((l) => l.replaceAll('claude-sonnet-4-5', 'claude-nonexistent-9'));
    const acc = accumulate(lines);
    const reported = acc.result!.modelUsage!['claude-nonexistent-9']!.costUSD!;
    expect(reported).toBeGreaterThan(0);
    const usage = usageFromStream(acc, table);
    expect(usage.unknown_models).toEqual(['claude-nonexistent-9']);
    expect(usage.models['claude-nonexistent-9']).toMatchObject({ cost_usd: reported, cost_source: 'claude' });
    expect(usage.cost_usd).toBe(acc.result!.total_cost_usd);
    expect(usage.cost_source).toBe('claude');
  });
});

describe('usage from the stream alone (a run cut short)', () => {
  const cut = (name: string) => streamLines(name).filter((l) => !l.includes('"modelUsage"'));

  it('sums the streamed requests and prices them per request with the table', () => {
    const acc = accumulate(cut('cache-1h'));
    expect(acc.result).toBeUndefined();
    const usage = usageFromStream(acc, table);
    expect(usage.usage_source).toBe('stream');
    expect(usage.cost_source).toBe('price_table');
    const s = scenarioOf('cache-1h');
    const rates = table.lookup('claude-sonnet-4-5')!.rates;
    let cost = 0;
    const want = { prompt: 0, cache_read: 0, cache_creation: 0, cache_creation_1h: 0 };
    for (let t = 0; t < 3; t++) {
      const u = turnUsage({ name: s.scenario, params: s.params }, t);
      want.prompt += u.input_tokens;
      want.cache_read += u.cache_read_input_tokens;
      want.cache_creation += u.cache_creation_input_tokens;
      want.cache_creation_1h += u.cache_creation.ephemeral_1h_input_tokens;
      cost += priceRequest(rates, {
        input: u.input_tokens,
        output: 1,
        cache_read: u.cache_read_input_tokens,
        cache_creation: u.cache_creation_input_tokens,
        cache_creation_1h: u.cache_creation.ephemeral_1h_input_tokens,
      });
    }
    expect(usage.models['claude-sonnet-4-5']).toMatchObject({
      ...want,
      completion: 3,
      cache_creation_5m: want.cache_creation - want.cache_creation_1h,
      cost_source: 'price_table',
    });
    expect(usage.cost_usd).toBeCloseTo(cost, 15);
    expect(usage.tokens.total).toBe(want.prompt + 3 + want.cache_read + want.cache_creation);
  });

  it('says when it cannot price a model: null cost, listed, cost source unknown', () => {
    const acc = accumulate(
      cut('hello').map((l) => l.replaceAll('claude-sonnet-4-5', 'claude-nonexistent-9')),
    );
    const usage = usageFromStream(acc, table);
    expect(usage.models['claude-nonexistent-9']).toMatchObject({ cost_usd: null, cost_source: 'unknown' });
    expect(usage.unknown_models).toEqual(['claude-nonexistent-9']);
    expect(usage.cost_source).toBe('unknown');
    expect(usage.cost_usd).toBe(0);
    expect(usage.tokens.prompt).toBe(120);
  });

  it('an empty stream has no models and zero cost', () => {
    const usage = usageFromStream(new RunAccumulator(0), table);
    expect(usage).toMatchObject({ models: {}, cost_usd: 0, unknown_models: [], usage_source: 'stream' });
  });
});

describe('modelUsageFromEntry', () => {
  it('prices an entry without costUSD with the table, 1-hour writes at the 1-hour rate', () => {
    const u = modelUsageFromEntry(
      'claude-opus-4-6',
      {
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
        cacheReadInputTokens: 1_000_000,
        cacheCreationInputTokens: 2_000_000,
        cacheCreationEphemeral1hInputTokens: 1_000_000,
      },
      table,
    );
    // opus-4-6: input 5, output 25, cache read 0.5, 5m write 6.25, 1h write 10 per million.
    expect(u.cost_usd).toBeCloseTo(5 + 25 + 0.5 + 6.25 + 10, 12);
    expect(u).toMatchObject({
      cost_source: 'price_table',
      cache_creation_1h: 1_000_000,
      cache_creation_5m: 1_000_000,
    });
  });

  it('never counts more 1-hour writes than cache writes', () => {
    const u = modelUsageFromEntry(
      'claude-haiku-4-5',
      {
        inputTokens: 1,
        outputTokens: 1,
        cacheReadInputTokens: 0,
        cacheCreationInputTokens: 10,
        cacheCreationEphemeral1hInputTokens: 50,
      },
      table,
    );
    expect(u).toMatchObject({ cache_creation_1h: 10, cache_creation_5m: 0 });
  });
});
