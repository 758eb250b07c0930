// The team tier with real processes: three collector replicas, a Prometheus 3 scraper reading them
// and remote-writing to two Thanos receive nodes, Thanos query on top. A counter's first value
// survives remote write (created-timestamp zero ingestion), and window totals stay exact across a
// replica restart (xincrease adds the reset back).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter } from '../../src/export/exporter.js';
import { teamScraperConfigPath, windowTotal } from '../../src/stack/team-config.js';
import { packageRoot } from '../../src/stack/tools.js';
import { requireTool } from '../support/collector.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { startTeamStack, type TestTeamStack } from '../support/team-stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: TestTeamStack;

beforeAll(async () => {
  stack = await startTeamStack({ replicas: 3, receivers: 2, scrapeIntervalMs: 1000 });
});
afterAll(async () => {
  await stack?.stop();
});

/** A run whose only model has `total` tokens (all prompt) and no cost. */
const runOf = (total: number, operation: string) =>
  syntheticRun({
    operation,
    models: {
      'claude-sonnet-4-5': { prompt: total, completion: 0, cache_read: 0, cache_creation: 0, cost_usd: 0 },
    },
  });

async function send(replica: number, total: number, operation: string): Promise<void> {
  const endpoint = stack.replicas[replica]?.grpcEndpoint ?? '';
  // A run's own export (the real exporter), to one replica.
  const result = await startExporter({ endpoint, timeoutMs: 10_000 }).exportRuns([runOf(total, operation)]);
  expect(result.error).toBeUndefined();
}

const tokens = (operation: string) => `openai_tokens_total{operation="${operation}",token_type="total"}`;

/** Waits until Thanos query's latest total of the selector is `value`. */
async function arrived(selector: string, value: number): Promise<void> {
  await waitFor(async () => (await stack.scalar(`sum(${selector})`)) === value, {
    timeoutMs: 60_000,
    intervalMs: 250,
    what: `sum(${selector}) = ${value} in Thanos`,
  });
}

describe('team tier: replicas → scraper → Thanos receive ×2 → query', () => {
  it('keeps a counter first value in window totals: the zero sample reaches Thanos', async () => {
    const op = 'first-sample';
    await send(0, 7, op);
    await arrived(tokens(op), 7);
    await send(0, 5, op);
    await arrived(tokens(op), 12);
    // The series first appeared in the TSDB with 7; the window covering its birth counts it.
    expect(await stack.scalar(windowTotal(tokens(op), '10m'))).toBe(12);
    // ...because remote write carried the zero sample at the stream's start, before the 7.
    const [series] = await stack.samples(tokens(op), '10m');
    expect(series?.[0]?.[1]).toBe(0);
    expect(series?.some(([, v]) => v === 7)).toBe(true);
  });

  it('keeps window totals exact across a replica restart (5, restart, 20, and 3 elsewhere)', async () => {
    const op = 'replica-restart';
    const replica = stack.replicas[1];
    if (!replica) throw new Error('no replica 1');
    await send(1, 5, op);
    await arrived(tokens(op), 5);
    await replica.stop();
    await replica.start();
    await send(1, 20, op);
    await send(2, 3, op);
    // The restarted replica's stream starts again from zero: the latest values sum to 23...
    await arrived(tokens(op), 23);
    // ...and the window total adds the 5 held before the restart back.
    expect(await stack.scalar(windowTotal(tokens(op), '10m'))).toBe(28);
    // Each replica's series are its own (instance label): 2 replicas received this operation.
    expect((await stack.query(`sum by (instance) (${tokens(op)})`)).length).toBe(2);
  });

  it('ships configs that the tools themselves accept (promtool; the hashring names both nodes)', () => {
    const check = spawnSync(requireTool('promtool'), ['check', 'config', teamScraperConfigPath()], {
      encoding: 'utf8',
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const ring = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'thanos', 'hashrings.json'), 'utf8'));
    expect(ring[0].endpoints).toHaveLength(2);
  });
});
