// A model's share of a run's cost is one contract: the report's by-model rows (modelCost) and the
// openai_token_cost_total series (costByModel) give every model of every run the same figure.
import { describe, expect, it } from 'vitest';
import { modelCost } from '../../../src/report/totals.js';
import { costByModel } from '../../../src/usage/cost-split.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { syntheticRun } from '../../support/collector-fixtures.js';

// Per-model costs unknown (null) while the run's cost is known: the first model listed is not the
// one with most tokens, so "first" and "primary" differ.
const unpricedShares = (() => {
  const r = syntheticRun({
    models: {
      'claude-haiku-4-5': { prompt: 1, completion: 1, cache_read: 0, cache_creation: 0, cost_usd: 0 },
      'claude-sonnet-4-5': { prompt: 100, completion: 50, cache_read: 0, cache_creation: 0, cost_usd: 0 },
    },
  });
  for (const u of Object.values(r.models)) u.cost_usd = null;
  return { ...r, run_id: 'unpriced-shares', cost_usd: 0.5 };
})();

describe('a model share of a run cost', () => {
  const runs = [...generateRuns(60), unpricedShares];

  it.each(runs.map((r) => [r.run_id, r] as const))('%s: report and metrics agree', (_id, run) => {
    const metric = costByModel(run);
    for (const model of Object.keys(run.models)) {
      expect(modelCost(run, model), model).toBeCloseTo(metric[model] ?? 0, 12);
    }
  });

  it('a run without per-model costs puts its cost on the model with most tokens', () => {
    expect(modelCost(unpricedShares, 'claude-sonnet-4-5')).toBe(0.5);
    expect(modelCost(unpricedShares, 'claude-haiku-4-5')).toBe(0);
  });
});
