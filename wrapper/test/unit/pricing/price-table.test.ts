// The price table: every built-in model and alias resolves, unknown ids never price at zero, user
// price files merge over the built-in table or fail in one line, and per-request pricing follows
// Claude Code (1-hour cache writes, the long-prompt tier per request, US inference geo, web search).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClaudeOtelError, EXIT } from '../../../src/errors.js';
import {
  buildPriceTable,
  loadPriceTable,
  mergePriceTables,
  normalizeModelId,
  type PriceTableInput,
  type Tier,
} from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import {
  priceRequest,
  priceRequests,
  priceUncached,
  US_INFERENCE_GEO_MULTIPLIER,
} from '../../../src/pricing/price-usage.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-prices-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tier(model: string): Tier {
  const found = table.lookup(model);
  if (!found) throw new Error(`no price for ${model}`);
  return found.rates;
}

const M = 1_000_000;

describe('built-in table', () => {
  it.each(BUILTIN_PRICE_TABLE.models.map((m) => [m.id, m]))(
    '%s resolves by its id, its aliases and decorated forms, to its tier',
    (id, model) => {
      const rates = BUILTIN_PRICE_TABLE.tiers[model.tier];
      expect(rates).toBeDefined();
      for (const name of [id, ...(model.aliases ?? []), `${id}[1m]`, id.toUpperCase(), ` ${id} `]) {
        const found = table.lookup(name);
        expect(found?.id, name).toBe(id);
        expect(found?.tier, name).toBe(model.tier);
        expect(found?.rates.input, name).toBe(rates!.input);
        expect(found?.rates.output, name).toBe(rates!.output);
      }
    },
  );

  it('has every model once and every rate positive', () => {
    const ids = table.models().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(BUILTIN_PRICE_TABLE.models.length);
    for (const m of table.models()) {
      for (const key of ['input', 'output', 'cache_write_5m', 'cache_write_1h', 'cache_read'] as const)
        expect(m.rates[key], `${m.id} ${key}`).toBeGreaterThan(0);
      // The public ratios Claude Code prices with: 5m writes 1.25x, 1h writes 2x, reads 0.1x or less.
      expect(m.rates.cache_write_5m).toBeCloseTo(m.rates.input * 1.25, 12);
      expect(m.rates.cache_write_1h).toBeCloseTo(m.rates.input * 2, 12);
      expect(m.rates.cache_read).toBeLessThanOrEqual(m.rates.input * 0.1 + 1e-12);
    }
  });

  it('resolves a dated id it does not list to its undated model', () => {
    expect(table.lookup('claude-opus-4-6-20260101')?.id).toBe('claude-opus-4-6');
    expect(table.lookup('claude-sonnet-4-5-20250929')?.id).toBe('claude-sonnet-4-5');
    expect(table.lookup('claude-haiku-5-5@20261001')?.id).toBe('claude-haiku-5-5');
    expect(table.lookup('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')?.id).toBe('claude-sonnet-4-5');
    expect(table.lookup('global.anthropic.claude-opus-4-6-v1')?.id).toBe('claude-opus-4-6');
  });

  it.each([
    'claude-nonexistent-9',
    'gpt-4o',
    '',
    'claude',
    'claude-sonnet',
    'claude-sonnet-4-5-extra',
    'claude-opus-4-61',
    '<synthetic>',
  ])('%j is unknown: undefined, never a zero price', (model) => {
    expect(table.lookup(model)).toBeUndefined();
    expect(priceRequests(table, model, [{ input: 100, output: 100, cache_read: 0, cache_creation: 0 }])).toBe(
      undefined,
    );
  });
});

describe('normalizeModelId', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929'],
    ['Claude-Sonnet-4-5', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5[1m]', 'claude-sonnet-4-5'],
    ['claude-opus-4-6[1M]', 'claude-opus-4-6'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
    ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
    ['anthropic.claude-haiku-4-5', 'claude-haiku-4-5'],
    ['us.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5-20250929'],
    ['  claude-haiku-4-5  ', 'claude-haiku-4-5'],
  ])('%s → %s', (input, want) => {
    expect(normalizeModelId(input)).toBe(want);
  });
});

describe('user price file', () => {
  const override: PriceTableInput = {
    source: 'my prices',
    date: '2026-12-01',
    tiers: { mine: { input: 7, output: 70, cache_write_5m: 8.75, cache_write_1h: 14, cache_read: 0.7 } },
    models: [
      { id: 'claude-sonnet-4-5', tier: 'mine' },
      { id: 'my-model', tier: 'tier_3_15', aliases: ['my-model-alias'] },
    ],
  };

  function write(name: string, content: unknown): string {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('merges over the built-in table: replaces, adds, keeps the rest', () => {
    const file = write('merge.json', override);
    const t = loadPriceTable({}, file);
    expect(t.lookup('claude-sonnet-4-5')?.rates.input).toBe(7);
    // Aliases of a replaced model go with it; the override's own id and aliases resolve.
    expect(t.lookup('claude-sonnet-4-5-20250929')?.rates.input).toBe(7);
    expect(t.lookup('my-model-alias')?.rates.output).toBe(15);
    expect(t.lookup('claude-opus-4-6')?.rates.input).toBe(5);
    expect(t.models()).toHaveLength(BUILTIN_PRICE_TABLE.models.length + 1);
    expect(t.source).toBe(`my prices; over ${BUILTIN_PRICE_TABLE.source}`);
    expect(t.date).toBe('2026-12-01');
    // web_search defaults when a tier leaves it out.
    expect(t.lookup('claude-sonnet-4-5')?.rates.web_search).toBe(0.01);
  });

  it('mergePriceTables keeps base models the override does not name', () => {
    const merged = mergePriceTables(BUILTIN_PRICE_TABLE, override);
    expect(merged.models.filter((m) => m.id === 'claude-sonnet-4-5')).toEqual([override.models[0]]);
    expect(merged.models.some((m) => m.id === 'claude-haiku-4-5')).toBe(true);
    expect(merged.tiers.mine).toEqual(override.tiers.mine);
  });

  it('is found by --prices, then CLAUDE_OTEL_PRICES, then <CLAUDE_OTEL_HOME>/prices.json', () => {
    const home = path.join(tmp, 'home-a');
    write('home-a/prices.json', { ...override, tiers: { mine: { ...override.tiers.mine!, input: 1 } } });
    const envFile = write('env.json', {
      ...override,
      tiers: { mine: { ...override.tiers.mine!, input: 2 } },
    });
    const explicit = write('explicit.json', {
      ...override,
      tiers: { mine: { ...override.tiers.mine!, input: 4 } },
    });
    const input = (env: NodeJS.ProcessEnv, file?: string) =>
      loadPriceTable(env, file).lookup('claude-sonnet-4-5')?.rates.input;
    expect(input({ CLAUDE_OTEL_HOME: home })).toBe(1);
    expect(input({ CLAUDE_OTEL_HOME: home, CLAUDE_OTEL_PRICES: envFile })).toBe(2);
    expect(input({ CLAUDE_OTEL_HOME: home, CLAUDE_OTEL_PRICES: envFile }, explicit)).toBe(4);
    // No file in the data home: the built-in table, silently.
    expect(input({ CLAUDE_OTEL_HOME: path.join(tmp, 'empty-home') })).toBe(3);
  });

  const bad: [string, string | unknown, RegExp][] = [
    ['not JSON', '{"source": ', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['not an object', '[1]', /is invalid at \(root\): Invalid input: expected object, received array$/],
    [
      'missing models',
      { source: 's', date: 'd', tiers: {} },
      /is invalid at models: Invalid input: expected array, received undefined$/,
    ],
    [
      'negative rate',
      { ...override, tiers: { mine: { ...override.tiers.mine!, output: -1 } } },
      /is invalid at tiers\.mine\.output: Too small: expected number to be >=0$/,
    ],
    [
      'rate as a string',
      { ...override, tiers: { mine: { ...override.tiers.mine!, input: '3' } } },
      /is invalid at tiers\.mine\.input: Invalid input: expected number, received string$/,
    ],
    [
      'unknown tier',
      { ...override, models: [{ id: 'x', tier: 'nope' }] },
      /model 'x' names unknown tier 'nope'/,
    ],
    [
      'empty model id',
      { ...override, models: [{ id: '', tier: 'mine' }] },
      /is invalid at models\.0\.id: Too small: expected string to have >=1 characters$/,
    ],
  ];

  it.each(bad)('%s: one-line ClaudeOtelError with exit code 2', (name, content, message) => {
    const file = write(`bad-${name.replace(/\W/g, '-')}.json`, content);
    let error: unknown;
    try {
      loadPriceTable({}, file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClaudeOtelError);
    const e = error as ClaudeOtelError;
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toMatch(message);
    expect(e.toLine()).not.toContain('\n');
    expect(e.toLine()).toMatch(/^claude-otel: /);
  });

  it('names the file in the error, found through CLAUDE_OTEL_PRICES or the data home', () => {
    const file = write('bad-env.json', '{');
    expect(() => loadPriceTable({ CLAUDE_OTEL_PRICES: file })).toThrow(file);
    write('home-bad/prices.json', '{');
    expect(() => loadPriceTable({ CLAUDE_OTEL_HOME: path.join(tmp, 'home-bad') })).toThrow(
      /home-bad\/prices\.json is not valid JSON/,
    );
  });

  it('a named file that does not exist is an error, not the built-in table', () => {
    for (const attempt of [
      () => loadPriceTable({}, path.join(tmp, 'missing.json')),
      () => loadPriceTable({ CLAUDE_OTEL_PRICES: path.join(tmp, 'missing.json') }),
    ]) {
      expect(attempt).toThrow(ClaudeOtelError);
      try {
        attempt();
      } catch (e) {
        expect((e as ClaudeOtelError).exitCode).toBe(2);
        expect((e as ClaudeOtelError).message).toMatch(/^cannot read price file .*missing\.json: ENOENT/);
      }
    }
  });
});

describe('priceRequest', () => {
  const sonnet = () => tier('claude-sonnet-4-5');
  const haiku55 = () => tier('claude-haiku-5-5');

  it('prices each token kind at its rate', () => {
    expect(priceRequest(sonnet(), { input: M, output: 0, cache_read: 0, cache_creation: 0 })).toBeCloseTo(
      3,
      12,
    );
    expect(priceRequest(sonnet(), { input: 0, output: M, cache_read: 0, cache_creation: 0 })).toBeCloseTo(
      15,
      12,
    );
    expect(priceRequest(sonnet(), { input: 0, output: 0, cache_read: M, cache_creation: 0 })).toBeCloseTo(
      0.3,
      12,
    );
    expect(priceRequest(sonnet(), { input: 0, output: 0, cache_read: 0, cache_creation: M })).toBeCloseTo(
      3.75,
      12,
    );
  });

  it('splits 1-hour cache writes from 5-minute ones, clamped to the writes there were', () => {
    const u = { input: 0, output: 0, cache_read: 0, cache_creation: 1000 };
    expect(priceRequest(sonnet(), { ...u, cache_creation_1h: 400 })).toBeCloseTo(
      (400 * 6 + 600 * 3.75) / M,
      15,
    );
    expect(priceRequest(sonnet(), { ...u, cache_creation_1h: 1000 })).toBeCloseTo((1000 * 6) / M, 15);
    expect(priceRequest(sonnet(), { ...u, cache_creation_1h: 5000 })).toBeCloseTo((1000 * 6) / M, 15);
    expect(priceRequest(sonnet(), { ...u, cache_creation_1h: -5 })).toBeCloseTo((1000 * 3.75) / M, 15);
  });

  it('uses the long-prompt tier only above 100,000 prompt tokens (input + cache read + cache write)', () => {
    const base = { output: 1000, cache_creation_1h: 0 };
    const at = { ...base, input: 60_000, cache_read: 30_000, cache_creation: 10_000 };
    const above = { ...at, input: 60_001 };
    // 100,000 exactly: the normal rates (0.1 / 0.5 / 0.01 / 0.125 per million).
    expect(priceRequest(haiku55(), at)).toBeCloseTo(
      (60_000 * 0.1 + 1000 * 0.5 + 30_000 * 0.01 + 10_000 * 0.125) / M,
      15,
    );
    // 100,001: every token of the request at the long-prompt rates (0.5 / 2.5 / 0.05 / 0.625).
    expect(priceRequest(haiku55(), above)).toBeCloseTo(
      (60_001 * 0.5 + 1000 * 2.5 + 30_000 * 0.05 + 10_000 * 0.625) / M,
      15,
    );
    // Cache reads alone can cross the threshold.
    expect(
      priceRequest(haiku55(), { input: 0, output: 0, cache_read: 100_001, cache_creation: 0 }),
    ).toBeCloseTo((100_001 * 0.05) / M, 15);
    // Models without a long-prompt tier never switch (no long-context premium, like Claude Code).
    expect(
      priceRequest(sonnet(), { input: 500_000, output: 0, cache_read: 0, cache_creation: 0 }),
    ).toBeCloseTo(1.5, 12);
  });

  it('decides the long-prompt tier per request, not per run', () => {
    const small = { input: 90_000, output: 0, cache_read: 0, cache_creation: 0 };
    const cost = priceRequests(table, 'claude-haiku-5-5', [small, small])!;
    expect(cost).toBeCloseTo((2 * 90_000 * 0.1) / M, 15);
  });

  it('applies 1.1x to tokens for US inference geo, not to web search', () => {
    const u = { input: M, output: 0, cache_read: 0, cache_creation: 0, web_search_requests: 2 };
    expect(US_INFERENCE_GEO_MULTIPLIER).toBe(1.1);
    expect(priceRequest(sonnet(), { ...u, inference_geo: 'us' })).toBeCloseTo(3 * 1.1 + 0.02, 12);
    expect(priceRequest(sonnet(), { ...u, inference_geo: 'eu' })).toBeCloseTo(3 + 0.02, 12);
    expect(priceRequest(sonnet(), { ...u, inference_geo: null })).toBeCloseTo(3 + 0.02, 12);
    expect(priceRequest(sonnet(), { ...u, inference_geo: '' })).toBeCloseTo(3 + 0.02, 12);
  });

  it('prices web search per request', () => {
    expect(
      priceRequest(sonnet(), {
        input: 0,
        output: 0,
        cache_read: 0,
        cache_creation: 0,
        web_search_requests: 3,
      }),
    ).toBeCloseTo(0.03, 12);
  });

  it('priceUncached bills every cached token as fresh input', () => {
    const u = { input: 100, output: 10, cache_read: 1000, cache_creation: 200, cache_creation_1h: 200 };
    expect(priceUncached(sonnet(), u)).toBeCloseTo((1300 * 3 + 10 * 15) / M, 15);
    expect(priceUncached(sonnet(), u)).toBeGreaterThan(
      priceRequest(sonnet(), { ...u, cache_creation_1h: 0 }) - 1,
    );
  });
});
