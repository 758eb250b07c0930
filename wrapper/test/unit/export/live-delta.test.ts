import { describe, expect, it } from 'vitest';
import { liveStep, overSent, pointsAbove, seriesKey } from '../../../src/export/live-delta.js';
import { parseJournal } from '../../../src/export/live-journal.js';
import { type MetricRun, runPoints } from '../../../src/export/metric-points.js';
import { emptyModelUsage } from '../../../src/usage/run-usage.js';
import { addTokens, tokenCounts } from '../../../src/usage/tokens.js';

function run(status: 'success' | 'error', models: Record<string, [number, number, number]>): MetricRun {
  const out: MetricRun['models'] = {};
  let cost = 0;
  for (const [model, [prompt, completion, usd]] of Object.entries(models)) {
    const u = emptyModelUsage();
    addTokens(u, tokenCounts(prompt, completion, 0, 0));
    u.cost_usd = usd;
    out[model] = u;
    cost += usd;
  }
  return {
    operation: 'swarm',
    agent: 'a',
    status,
    termination: 'completed',
    duration_ms: 5,
    models: out,
    cost_usd: cost,
  };
}

const sum = (points: { value: number }[]) => points.reduce((s, p) => s + p.value, 0);

describe('live deltas', () => {
  it('each step sends only what grew, and nothing when nothing changed', () => {
    const first = liveStep(runPoints(run('success', { m: [100, 10, 0.5] })), {});
    expect(sum(first.delta.tokens.filter((p) => p.labels.token_type === 'total'))).toBe(110);
    const second = liveStep(runPoints(run('success', { m: [150, 30, 0.75] })), first.target);
    expect(second.delta.tokens.find((p) => p.labels.token_type === 'prompt')?.value).toBe(50);
    expect(second.delta.cost[0]?.value).toBeCloseTo(25, 9);
    const again = liveStep(runPoints(run('success', { m: [150, 30, 0.75] })), second.target);
    expect(again.delta).toEqual({ tokens: [], cost: [] });
    expect(again.target).toEqual(second.target);
  });

  it('the final delta under another status sends the rest, so the sum over statuses is the final figure', () => {
    const live = liveStep(runPoints(run('success', { m: [100, 10, 0.5] })), {}).target;
    const final = pointsAbove(runPoints(run('error', { m: [120, 40, 0.6], side: [7, 1, 0.01] })), live);
    const total = (model: string) =>
      final.tokens.find((p) => p.labels.model === model && p.labels.token_type === 'total')?.value;
    expect(total('m')).toBe(160 - 110);
    expect(total('side')).toBe(8);
    expect(final.tokens.every((p) => p.labels.status === 'error')).toBe(true);
    // The duration still counts the run once, at its end.
    expect(final.duration).toHaveLength(1);
  });

  it('a series whose live figure is above the final one is held back (never negative) and named', () => {
    const live = liveStep(runPoints(run('success', { m: [100, 10, 0.5] })), {}).target;
    const finalPoints = runPoints(run('success', { m: [90, 20, 0.5] }));
    const final = pointsAbove(finalPoints, live);
    expect(final.tokens.find((p) => p.labels.token_type === 'prompt')).toBeUndefined();
    expect(final.tokens.find((p) => p.labels.token_type === 'completion')?.value).toBe(10);
    expect(final.tokens.every((p) => p.value > 0)).toBe(true);
    expect(overSent(finalPoints, live)).toEqual(['tokens/m/prompt/swarm/a']);
    expect(seriesKey('cost', { model: 'm', status: 'x' })).toBe(
      seriesKey('cost', { model: 'm', status: 'y' }),
    );
  });
});

describe('live journal', () => {
  it('counts only acknowledged intents; a failed, timed-out or cut-off send is not sent', () => {
    const lines = [
      { seq: 1, intent: { a: 10 } },
      { seq: 1, ok: true },
      { seq: 2, intent: { a: 20 } },
      { seq: 2, ok: false, error: 'timed out' },
      { seq: 3, intent: { a: 30 } },
    ].map((l) => JSON.stringify(l));
    expect(parseJournal(`${lines.join('\n')}\n{"seq":4,"inte`)).toEqual({
      sent: { a: 10 },
      unacknowledged: 2,
      seq: 3,
    });
    expect(parseJournal([...lines, JSON.stringify({ seq: 3, ok: true })].join('\n')).sent).toEqual({ a: 30 });
  });
});
