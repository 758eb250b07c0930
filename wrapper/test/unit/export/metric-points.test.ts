import { describe, expect, it } from 'vitest';
import { runPoints } from '../../../src/export/metric-points.js';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { costByModel, NO_MODEL, primaryModel } from '../../../src/usage/cost-split.js';
import { syntheticRun } from '../../support/collector-fixtures.js';

const twoModels = () =>
  syntheticRun({
    models: {
      'claude-haiku-4-5': { prompt: 5, completion: 6, cache_read: 7, cache_creation: 8, cost_usd: 0.001 },
      'claude-sonnet-4-5': { prompt: 1, completion: 2, cache_read: 3, cache_creation: 4, cost_usd: 0.02 },
    },
  });

describe('runPoints', () => {
  it('counts tokens under every model with the contract labels, total = sum of the four types', () => {
    const p = runPoints(twoModels());
    const haiku = p.tokens.filter((t) => t.labels.model === 'claude-haiku-4-5');
    expect(Object.fromEntries(haiku.map((t) => [t.labels.token_type, t.value]))).toEqual({
      prompt: 5,
      completion: 6,
      cache_read: 7,
      cache_creation: 8,
      total: 26,
    });
    expect(Object.keys(p.tokens[0]?.labels ?? {}).sort()).toEqual([
      'agent',
      'model',
      'operation',
      'status',
      'token_type',
    ]);
    expect(Object.keys(p.cost[0]?.labels ?? {}).sort()).toEqual(['agent', 'model', 'operation', 'status']);
    expect(Object.keys(p.duration[0]?.labels ?? {}).sort()).toEqual(['model', 'operation', 'status']);
  });

  it('adds team, user and project to every openai_* point of a team-mode run, and nothing without one', () => {
    const identity = { team: 'platform', user: 'u-1', project: 'acme/rocket' };
    const p = runPoints({ ...twoModels(), identity });
    for (const point of [...p.tokens, ...p.cost, ...p.duration]) expect(point.labels).toMatchObject(identity);
    const partial = runPoints({ ...twoModels(), identity: { team: 'platform' } });
    expect(Object.keys(partial.cost[0]?.labels ?? {}).sort()).toEqual([
      'agent',
      'model',
      'operation',
      'status',
      'team',
    ]);
    // The totals do not depend on the labels.
    expect(p.tokens.map((t) => t.value)).toEqual(runPoints(twoModels()).tokens.map((t) => t.value));
    for (const point of [...runPoints(twoModels()).tokens, ...runPoints(twoModels()).cost])
      expect(Object.keys(point.labels).some((k) => ['team', 'user', 'project'].includes(k))).toBe(false);
  });

  it('counts a two-model run once in the duration histogram, under the model that cost most', () => {
    const p = runPoints(twoModels());
    expect(p.duration).toHaveLength(1);
    expect(p.duration[0]?.labels.model).toBe('claude-sonnet-4-5');
    expect(p.genAiDuration).toHaveLength(1);
  });

  it('cost is in cents and sums to the run cost', () => {
    const r = twoModels();
    const cents = runPoints(r).cost.reduce((s, c) => s + c.value, 0);
    expect(cents).toBeCloseTo(r.cost_usd * 100, 12);
  });

  it('GenAI token usage: input includes cached tokens, output is completion', () => {
    const p = runPoints(twoModels());
    const sonnet = p.genAiTokens.filter((t) => t.labels['gen_ai.request.model'] === 'claude-sonnet-4-5');
    expect(Object.fromEntries(sonnet.map((t) => [t.labels['gen_ai.token.type'], t.value]))).toEqual({
      input: 8,
      output: 2,
    });
  });

  it('a run without models still counts once, as model "unknown"', () => {
    const r = syntheticRun({ models: {}, status: 'error' });
    const p = runPoints(r);
    expect(p.tokens).toEqual([]);
    expect(p.duration[0]?.labels).toEqual({ model: NO_MODEL, operation: 'swarm', status: 'error' });
  });
});

describe('costByModel', () => {
  it('keeps a one-model cost unchanged', () => {
    const r = syntheticRun();
    expect(costByModel(r)).toEqual({ 'claude-sonnet-4-5': r.cost_usd });
  });

  it('scales model shares to a reported total that differs from their sum', () => {
    const r = { ...twoModels(), cost_usd: 0.042 };
    const c = costByModel(r);
    expect((c['claude-sonnet-4-5'] ?? 0) + (c['claude-haiku-4-5'] ?? 0)).toBeCloseTo(0.042, 15);
    expect((c['claude-sonnet-4-5'] ?? 0) / (c['claude-haiku-4-5'] ?? 1)).toBeCloseTo(20, 9);
  });

  it('gives a total without per-model figures to the primary model', () => {
    const base = syntheticRun();
    const usage = base.models['claude-sonnet-4-5'] as RunRecord['models'][string];
    const r: RunRecord = { ...base, cost_usd: 0.5, models: { m: { ...usage, cost_usd: null } } };
    expect(costByModel(r)).toEqual({ m: 0.5 });
    expect(primaryModel(r)).toBe('m');
  });
});
