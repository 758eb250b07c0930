// `report --source prometheus`: runs recorded in a ledger and exported (with team-mode identity
// labels) through the real collector into real Prometheus give the same report from PromQL as
// `report` gives from the ledger; bad URLs and an empty window fail in one line.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { byKey, counted, errorLines, type JsonReport, round, usage } from '../support/report-json.js';
import { type Identity, sendTeamRuns } from '../support/team-points.js';
import { waitFor } from '../support/wait-for.js';

let collector: TestCollector;
let prometheus: TestPrometheus;
let sandbox: Sandbox;
let notPrometheus: http.Server;
let notPrometheusUrl: string;

const m = (
  prompt: number,
  completion: number,
  cache_read: number,
  cache_creation: number,
  cost_usd: number,
) => ({
  prompt,
  completion,
  cache_read,
  cache_creation,
  cost_usd,
});
const TEAMS: Identity[] = [
  { team: 'platform', user: 'ana', project: 'acme/api' },
  { team: 'platform', user: 'bo', project: 'acme/api' },
  { team: 'web', user: 'cy', project: 'acme/web' },
];
const runs: { record: RunRecord; identity: Identity }[] = [];
for (let i = 0; i < 12; i++) {
  const models =
    i === 5
      ? { 'claude-opus-4-5': m(100, 50, 1000, 20, 0.4321), 'claude-haiku-4-5': m(7, 3, 0, 0, 0.0017) }
      : {
          [i % 2 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5']: m(
            10 + i,
            20 * i,
            300 + i,
            40,
            0.0123 * (i + 1),
          ),
        };
  runs.push({
    record: syntheticRun({
      models,
      agent: i % 3 === 0 ? 'lead' : 'worker',
      operation: i % 4 === 0 ? 'run' : 'swarm',
      status: i === 7 ? 'error' : 'success',
    }),
    identity: TEAMS[i % 3] as Identity,
  });
}
const centsTotal = runs.reduce((sum, r) => sum + r.record.cost_usd * 100, 0);

beforeAll(async () => {
  collector = await startCollector();
  prometheus = await startPrometheus(collector.metricsTarget, 1000);
  sandbox = makeSandbox('http://127.0.0.1:9');
  for (const r of runs) appendRunRecord(r.record, sandbox.env);
  // One request per run, concurrently, as separate wrapped runs would send them.
  await Promise.all(runs.map((r) => sendTeamRuns(collector.grpcEndpoint, [r])));
  await waitFor(
    async () => Math.abs((await prometheus.scalar('sum(openai_token_cost_total)')) - centsTotal) < 1e-6,
    { timeoutMs: 60_000, what: 'Prometheus to hold every run' },
  );
  notPrometheus = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html/>'),
  );
  await new Promise<void>((resolve) => notPrometheus.listen(0, '127.0.0.1', resolve));
  notPrometheusUrl = `http://127.0.0.1:${(notPrometheus.address() as { port: number }).port}`;
});

afterAll(async () => {
  await prometheus?.stop();
  await collector?.close();
  sandbox?.cleanup();
  notPrometheus?.close();
});

const report = async (args: string[]) => {
  const r = await runCli(['report', '--json', '--since', '1h', ...args], sandbox);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonReport;
};

describe('report --source prometheus', () => {
  it('equals the ledger report: totals, and by model, agent, operation and day', async () => {
    const dims = 'model,agent,operation,day';
    const ledger = await report(['--breakdown', dims]);
    const prom = await report(['--breakdown', dims, '--source', 'prometheus', '--url', prometheus.url]);
    expect(ledger.totals.runs).toBe(12);
    expect(counted(prom.totals)).toEqual(counted(ledger.totals));
    expect(byKey(prom.breakdowns.operation ?? [], counted)).toEqual(
      byKey(ledger.breakdowns.operation ?? [], counted),
    );
    expect(byKey(prom.breakdowns.day ?? [], counted)).toEqual(byKey(ledger.breakdowns.day ?? [], counted));
    // Tokens and cost per model and per agent (runs: see the report's notes).
    expect(byKey(prom.breakdowns.model ?? [], usage)).toEqual(byKey(ledger.breakdowns.model ?? [], usage));
    expect(byKey(prom.breakdowns.agent ?? [], usage)).toEqual(byKey(ledger.breakdowns.agent ?? [], usage));
    expect(prom.warnings.join('\n')).toMatch(/runs per agent are not in the metrics/);
  });

  it('breaks down by team, user and project with the sums of the runs sent under each', async () => {
    const prom = await report([
      '--breakdown',
      'team,user,project',
      '--source',
      'prometheus',
      '--url',
      prometheus.url,
    ]);
    for (const dim of ['team', 'user', 'project'] as const) {
      const expected: Record<string, { runs: number; cost_usd: number; total: number }> = {};
      for (const { record, identity } of runs) {
        const key = identity[dim] as string;
        const e = expected[key] ?? { runs: 0, cost_usd: 0, total: 0 };
        e.runs++;
        e.cost_usd += record.cost_usd;
        e.total += Object.values(record.models).reduce((s, u) => s + u.total, 0);
        expected[key] = e;
      }
      const got = Object.fromEntries(
        (prom.breakdowns[dim] ?? []).map((r) => [
          r.key,
          { runs: r.runs, cost_usd: round(r.cost_usd), total: r.tokens.total },
        ]),
      );
      const want = Object.fromEntries(
        Object.entries(expected).map(([k, e]) => [k, { ...e, cost_usd: round(e.cost_usd) }]),
      );
      expect(got, dim).toEqual(want);
    }
  });

  it('prints the same table as the ledger report, with the team rows', async () => {
    const r = await runCli(
      ['report', '--since', '1h', '--breakdown', 'team', '--source', 'prometheus', '--url', prometheus.url],
      sandbox,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/platform/);
    expect(r.stdout).toMatch(/web/);
  });

  it('fails in one line for an unreachable URL, a URL that is not Prometheus, no data, and no --url', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const cases: [string[], number, RegExp][] = [
      [
        ['--url', closed],
        1,
        /^claude-otel: cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(give the base URL/,
      ],
      [
        ['--url', notPrometheusUrl],
        1,
        /^claude-otel: http:\/\/127\.0\.0\.1:\d+ does not answer like a Prometheus API \(\/api\/v1\/query gave HTTP 200\)/,
      ],
      [
        ['--url', prometheus.url, '--since', '2020-01-01', '--until', '2020-01-02'],
        1,
        /^claude-otel: no claude-otel data in Prometheus at http:\/\/127\.0\.0\.1:\d+ for 2020-01-01 → 2020-01-02 \(check --since/,
      ],
      [[], 2, /^claude-otel: --source prometheus needs --url/],
      [['--url', 'ftp://x'], 2, /is not an http\(s\) URL/],
      [['--url', prometheus.url, '--breakdown', 'session'], 2, /cannot break down by session/],
    ];
    for (const [args, code, line] of cases) {
      const r = await runCli(['report', '--source', 'prometheus', ...args], sandbox);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      const lines = errorLines(r);
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(line);
      expect(r.stdout).toBe('');
    }
  });
});
