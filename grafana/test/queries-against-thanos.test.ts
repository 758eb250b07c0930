// The compose `team` profile's Grafana reads Thanos query, which cannot parse `anchored`: every
// panel query of the Thanos flavour (grafana/dashboards-thanos) runs against a real Thanos query
// of the team tier (replica → scraper → Thanos receive ×2 → query) holding runs sent the way the
// wrapper sends them, and the team panels' window totals equal the runs' sums exactly.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../../wrapper/src/ledger/schema.js';
import { syntheticRun } from '../../wrapper/test/support/collector-fixtures.js';
import { type Identity, sendTeamRuns } from '../../wrapper/test/support/team-points.js';
import { startTeamStack, type TestTeamStack } from '../../wrapper/test/support/team-stack.js';
import { waitFor } from '../../wrapper/test/support/wait-for.js';
import { THANOS_DASHBOARDS_DIR } from '../src/generate.js';
import { listPanelQueries, substituteVariables } from '../src/queries.js';
import { checkQueriesAgainst, EXPECTED_EMPTY, panelWhere, type QueryCheck } from './support/check-queries.js';

const VARS = { range: '1h', rateInterval: '2m', model: '.*', agent: '.*', operation: '.*', datasource: 'x' };
const PEOPLE: Identity[] = [
  { team: 'platform', user: 'ana', project: 'acme/api' },
  { team: 'platform', user: 'bo', project: 'acme/web' },
  { team: 'data', user: 'cy', project: 'acme/etl' },
];
const runs: { record: RunRecord; identity: Identity }[] = Array.from({ length: 9 }, (_, i) => ({
  record: syntheticRun({
    models: {
      [i % 2 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5']: {
        prompt: 10 + i,
        completion: 30 * i,
        cache_read: 500 + i,
        cache_creation: 40,
        cost_usd: 0.0211 * (i + 1),
      },
    },
    agent: i % 3 ? 'worker' : 'lead',
    operation: i % 4 ? 'swarm' : 'run',
    status: i === 4 ? 'error' : 'success',
    duration_ms: 1500 + 1000 * i,
  }),
  identity: PEOPLE[i % 3] as Identity,
}));
const centsTotal = runs.reduce((s, r) => s + r.record.cost_usd * 100, 0);

let stack: TestTeamStack | undefined;
let checks: QueryCheck[] = [];
let setupError: unknown;
const ready = (): TestTeamStack => {
  if (setupError || !stack) throw setupError ?? new Error('no team stack');
  return stack;
};

beforeAll(async () => {
  try {
    stack = await startTeamStack({ replicas: 1 });
    const endpoint = stack.replicas[0]?.grpcEndpoint as string;
    await Promise.all(runs.map((r) => sendTeamRuns(endpoint, [r])));
    const s = stack;
    await waitFor(
      async () => Math.abs((await s.scalar('sum(openai_token_cost_total)')) - centsTotal) < 1e-6,
      {
        timeoutMs: 90_000,
        intervalMs: 500,
        what: 'Thanos query to hold every run',
      },
    );
    // A few scrapes more, so rate() over $__rate_interval has two samples of every series.
    await waitFor(async () => ((await s.samples('openai_token_cost_total', '1m'))[0]?.length ?? 0) >= 5, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'five scrapes of the cost series in Thanos',
    });
    checks = await checkQueriesAgainst(stack.queryUrl, {
      ...VARS,
      dashboards: THANOS_DASHBOARDS_DIR,
      alerts: false,
    });
  } catch (error) {
    setupError = error;
  }
}, 200_000);

afterAll(async () => {
  await stack?.stop();
});

/** Panels that cannot have data here: no Claude Code or plan series, no day-old data. */
const NEEDS_OTHER_SERIES = /claude_code_|claude_otel_plan_|offset 1d/;

describe('Thanos flavour of the dashboards against a real Thanos query', () => {
  test('every panel of every dashboard is checked, in both flavours alike', () => {
    ready();
    const thanos = listPanelQueries(undefined, THANOS_DASHBOARDS_DIR);
    expect(thanos.map(panelWhere)).toEqual(listPanelQueries().map(panelWhere));
    expect(checks.map((c) => c.where)).toEqual(thanos.map(panelWhere));
    expect(thanos.length).toBeGreaterThanOrEqual(40);
    expect(thanos.filter((q) => q.expr.includes('anchored'))).toEqual([]);
  });

  test('Thanos query evaluates every panel query (no parse error, no unsupported function)', () => {
    ready();
    expect(checks.filter((c) => !c.ok).map((c) => `${c.where}: ${c.error}\n  ${c.expr}`)).toEqual([]);
  });

  test('every panel over the wrapper series has data', () => {
    ready();
    const excused = new Set(EXPECTED_EMPTY.map((e) => e.where));
    const empty = checks
      .filter((c) => !c.hasData && !excused.has(c.where) && !NEEDS_OTHER_SERIES.test(c.expr))
      .map((c) => `${c.where}\n  ${c.expr}`);
    expect(empty).toEqual([]);
    // Most panels read the wrapper's series; those must be the bulk of what was checked.
    expect(checks.filter((c) => c.hasData).length).toBeGreaterThanOrEqual(30);
  });

  test('the Teams dashboard shows exact cost by team and user, and exact tokens by project', async () => {
    const s = ready();
    const panel = (title: string) => {
      const q = listPanelQueries(undefined, THANOS_DASHBOARDS_DIR).find(
        (p) => p.dashboard === 'Claude OTel / Teams' && p.panel === title,
      );
      if (!q) throw new Error(`no Teams panel '${title}'`);
      return substituteVariables(q.expr, VARS);
    };
    const sums = (dim: keyof Identity, value: (r: RunRecord) => number) => {
      const out: Record<string, number> = {};
      for (const { record, identity } of runs) {
        const key = identity[dim] as string;
        out[key] = (out[key] ?? 0) + value(record);
      }
      return out;
    };
    const got = async (expr: string, label: string) =>
      Object.fromEntries((await s.query(expr)).map((x) => [x.labels[label], x.value]));
    const round = (o: Record<string, number>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v.toFixed(9))]));
    const tokens = (r: RunRecord) => Object.values(r.models).reduce((t, m) => t + m.total, 0);
    expect(round(await got(panel('Cost by team'), 'team'))).toEqual(round(sums('team', (r) => r.cost_usd)));
    expect(round(await got(panel('Cost by user'), 'user'))).toEqual(round(sums('user', (r) => r.cost_usd)));
    expect(await got(panel('Tokens by project'), 'project')).toEqual(sums('project', tokens));
  });
});
