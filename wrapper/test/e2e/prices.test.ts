// The built-in price table against Claude Code itself: for every model in the table, the real
// claude runs a multi-turn scenario with cache reads and 5-minute and 1-hour cache writes against the
// scripted endpoint, and our per-request price of what the endpoint served must equal Claude Code's
// own modelUsage costUSD. Also the long-prompt tier (above, and exactly at, the threshold), a dated
// alias id, and a model the table does not know, through claude-otel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import { loadPriceTable } from '../../src/pricing/price-table.js';
import { makeSandbox, runClaude, runCli, type Sandbox } from '../support/cli.js';
import { servedUsage } from '../support/expected-usage.js';
import { turnUsage } from '../support/scripted-api/scenario.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

const table = loadPriceTable({});
const CONCURRENCY = 3;

interface PriceCase {
  tag: string;
  model: string;
  /** Scenario parameters besides the tag. */
  params: string;
}

/**
 * Retired models Claude Code 2.1.330 does not call: asked for claude-opus-4-0 or -4-1 (also by dated
 * id), it sends claude-opus-5-5 and reports the usage under that name. Their own table prices are
 * therefore not checkable against Claude Code; the test pins the redirect so a change shows up here.
 */
const REDIRECTED: Record<string, string> = {
  'claude-opus-4-0': 'claude-opus-5-5',
  'claude-opus-4-1': 'claude-opus-5-5',
};

const MULTI_TURN = 'turns=2 in=1200 out=80 cr=5000 cc=300 cc1h=100';
const cases: PriceCase[] = [
  ...table.models().map((m, i) => ({ tag: `price${i}`, model: m.id, params: MULTI_TURN })),
  // Every request of this run is far above haiku-5-5's 100,000-token long-prompt threshold.
  { tag: 'long', model: 'claude-haiku-5-5', params: 'turns=2 in=120000 out=80 cr=5000 cc=300 cc1h=100' },
  // First request exactly at the threshold (99,760 + 200 + 40 = 100,000), the next ones above it.
  { tag: 'edge', model: 'claude-haiku-5-5', params: 'turns=2 in=99760 out=30 cr=200 cc=40 cc1h=10' },
  { tag: 'dated', model: 'claude-sonnet-4-5-20250929', params: MULTI_TURN },
];

interface ModelUsageJson {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  cacheCreationEphemeral1hInputTokens: number;
  costUSD: number;
  costBasis?: string;
}

interface ClaudeRun {
  code: number | null;
  modelUsage: Record<string, ModelUsageJson>;
  stderr: string;
}

let api: ScriptedApi;
const sandboxes: Sandbox[] = [];
const runs = new Map<string, ClaudeRun>();

async function claudeRun(c: PriceCase): Promise<ClaudeRun> {
  const s = makeSandbox(api.url);
  sandboxes.push(s);
  const prompt = `price check [[scenario:tools ${c.params} tag=${c.tag}]]`;
  const args = ['-p', prompt, '--model', c.model, '--output-format', 'stream-json', '--verbose'];
  const { code, stdout, stderr } = await runClaude(args, s, 60_000);
  const result = stdout
    .split('\n')
    .filter((l) => l.includes('"modelUsage"'))
    .map((l) => JSON.parse(l) as { type: string; modelUsage: Record<string, ModelUsageJson> })
    .find((r) => r.type === 'result');
  return { code, modelUsage: result?.modelUsage ?? {}, stderr };
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

beforeAll(async () => {
  api = await startScriptedApi();
  await pool(cases, CONCURRENCY, async (c) => {
    runs.set(c.tag, await claudeRun(c));
  });
}, 170_000);

afterAll(async () => {
  await api?.close();
  for (const s of sandboxes) s.cleanup();
});

describe('price table vs Claude Code 2.1.330', () => {
  it('covers every model of the built-in table', () => {
    expect(table.models().length).toBeGreaterThanOrEqual(20);
    expect(runs.size).toBe(cases.length);
  });

  it.each(cases.map((c) => [`${c.model} (${c.tag})`, c] as const))(
    '%s: our price of what was served equals costUSD',
    (_label, c) => {
      const run = runs.get(c.tag)!;
      expect(run.code, run.stderr).toBe(0);
      expect(table.lookup(c.model), `the table has ${c.model}`).toBeDefined();
      // The model Claude Code actually sent, and reported in modelUsage.
      const sent = REDIRECTED[c.model] ?? c.model;
      expect([...new Set(api.requests.filter((q) => q.params.tag === c.tag).map((q) => q.model))]).toEqual([
        sent,
      ]);
      expect(Object.keys(run.modelUsage)).toEqual([sent]);
      expect(table.lookup(sent), `the table has ${sent}`).toBeDefined();
      const reported = run.modelUsage[sent];
      // Claude Code priced it from its catalog, not a fallback guess.
      expect(reported!.costBasis).toBe('list');
      const served = servedUsage(api.requests, c.tag, table)[sent]!;
      expect(served.requests).toBe(3);
      // Same tokens on both sides, so a cost difference can only be a price difference.
      expect(reported).toMatchObject({
        inputTokens: served.prompt,
        outputTokens: served.completion,
        cacheReadInputTokens: served.cache_read,
        cacheCreationInputTokens: served.cache_creation,
        cacheCreationEphemeral1hInputTokens: c.tag === 'edge' ? 30 : 300,
      });
      expect(served.cost_usd).toBeGreaterThan(0);
      expect(served.cost_usd).toBeCloseTo(reported!.costUSD, 12);
    },
  );

  it('the long-prompt tier is what made the long and edge runs cost what they did', () => {
    // Priced without the tier, both runs would be cheaper than Claude Code says: the tier matters.
    const base = { ...table.lookup('claude-haiku-5-5')!.rates, long_prompt: undefined };
    for (const tag of ['long', 'edge']) {
      let flat = 0;
      for (const r of api.requests.filter((q) => q.params.tag === tag)) {
        const u = servedUsage([r], tag, table)['claude-haiku-5-5']!;
        flat +=
          (u.prompt * base.input +
            u.completion * base.output +
            u.cache_read * base.cache_read +
            (u.cache_creation - (tag === 'edge' ? 10 : 100)) * base.cache_write_5m +
            (tag === 'edge' ? 10 : 100) * base.cache_write_1h) /
          1e6;
      }
      expect(runs.get(tag)!.modelUsage['claude-haiku-5-5']!.costUSD, tag).toBeGreaterThan(flat * 1.5);
    }
  });
});

describe('a model the table does not know', () => {
  let s: Sandbox;
  beforeAll(() => {
    s = makeSandbox(api.url);
    sandboxes.push(s);
  });

  it('is listed in unknown_models, keeps the cost Claude Code reported, and the summary says so', async () => {
    const model = 'claude-nonexistent-9';
    expect(table.lookup(model)).toBeUndefined();
    const r = await runCli(['swarm', 'x [[scenario:hello tag=unknown]]', '--', '--model', model], s);
    expect(r.code, r.stderr).toBe(0);
    const { runs: records, warnings } = readLedger({ env: s.env, strict: true });
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record.unknown_models).toEqual([model]);
    const usage = record.models[model]!;
    expect(usage.cost_source).toBe('claude');
    expect(usage.cost_usd).toBeGreaterThan(0);
    expect(record.cost_usd).toBe(usage.cost_usd);
    // The tokens are what the endpoint served (one hello request).
    const served = api.requests.filter((q) => q.params.tag === 'unknown');
    expect(served.map((q) => q.model)).toEqual([model]);
    const u = turnUsage({ name: 'hello', params: served[0]!.params }, 0);
    expect(usage.total).toBe(
      u.input_tokens + u.output_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
    );
    expect(r.stderr).toContain(`not in the price table: ${model}`);
  });
});
