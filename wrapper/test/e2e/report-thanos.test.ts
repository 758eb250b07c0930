// `report --source prometheus` against Thanos query (the team tier: replicas → scraper → Thanos
// receive ×2 → query), which cannot parse `anchored`: three machines' ledgers written in team mode
// and sent with `claude-otel sync` give, from Thanos, the report their runs give from a ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { byKey, counted, errorLines, type JsonReport, usage } from '../support/report-json.js';
import { startTeamStack, type TestTeamStack } from '../support/team-stack.js';
import { waitFor } from '../support/wait-for.js';

const MACHINES = [
  { team: 'platform', user: 'ana@acme.dev', project: 'acme/api' },
  { team: 'platform', user: 'bo@acme.dev', project: 'acme/web' },
  { team: 'data', user: 'cy@acme.dev', project: 'acme/etl' },
];
const MODELS = ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-5'];

let stack: TestTeamStack;
const machines: Sandbox[] = [];
/** Holds every machine's runs: the ledger report the Thanos one must equal. */
let lead: Sandbox;
let centsTotal = 0;

beforeAll(async () => {
  stack = await startTeamStack({ replicas: 2 });
  lead = makeSandbox('http://127.0.0.1:9');
  for (const [i, identity] of MACHINES.entries()) {
    const replica = stack.replicas[i % stack.replicas.length];
    const machine = makeSandbox('http://127.0.0.1:9', {
      CLAUDE_OTEL_TEAM: identity.team,
      CLAUDE_OTEL_USER: identity.user,
      OTEL_EXPORTER_OTLP_ENDPOINT: replica?.grpcEndpoint,
    });
    machines.push(machine);
    for (let r = 0; r < 4; r++) {
      const n = i * 4 + r;
      const record: RunRecord = {
        ...syntheticRun({
          models: {
            [MODELS[n % 3] as string]: {
              prompt: 11 + n,
              completion: 7 * n,
              cache_read: 200 + n,
              cache_creation: 30 + n,
              cost_usd: 0.0137 * (n + 1),
            },
          },
          agent: n % 2 ? 'worker' : 'lead',
          operation: n % 3 ? 'swarm' : 'run',
          status: n === 6 ? 'error' : 'success',
        }),
        identity,
      };
      centsTotal += record.cost_usd * 100;
      appendRunRecord(record, machine.env);
      appendRunRecord(record, lead.env);
    }
    const sync = await runCli(['sync', '--json'], machine);
    expect(sync.code, sync.stderr).toBe(0);
    expect((JSON.parse(sync.stdout) as { sent: string[] }).sent).toHaveLength(4);
  }
  await waitFor(
    async () => Math.abs((await stack.scalar('sum(openai_token_cost_total)')) - centsTotal) < 1e-6,
    { timeoutMs: 90_000, intervalMs: 500, what: 'Thanos query to hold every synced run' },
  );
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  for (const m of machines) m.cleanup();
  lead?.cleanup();
});

const report = async (args: string[]) => {
  const r = await runCli(['report', '--json', '--since', '1h', ...args], lead);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonReport;
};

describe('report --source prometheus on Thanos query', () => {
  it('equals the ledger report: totals, by operation, day, model, agent, team, user and project', async () => {
    const dims = 'model,agent,operation,day,team,user,project';
    const ledger = await report(['--breakdown', dims]);
    const thanos = await report(['--breakdown', dims, '--source', 'prometheus', '--url', stack.queryUrl]);
    expect(ledger.totals.runs).toBe(12);
    expect(ledger.totals.errors).toBe(1);
    expect(counted(thanos.totals)).toEqual(counted(ledger.totals));
    for (const dim of ['operation', 'day', 'team', 'user', 'project']) {
      expect(byKey(thanos.breakdowns[dim], counted), dim).toEqual(byKey(ledger.breakdowns[dim], counted));
    }
    expect(Object.keys(byKey(thanos.breakdowns.user, counted)).sort()).toEqual(
      MACHINES.map((m) => m.user).sort(),
    );
    for (const dim of ['model', 'agent']) {
      expect(byKey(thanos.breakdowns[dim], usage), dim).toEqual(byKey(ledger.breakdowns[dim], usage));
    }
  });

  it('--promql xincrease gives the same; --promql anchored is refused by Thanos in one line', async () => {
    const auto = await report(['--breakdown', 'team', '--source', 'prometheus', '--url', stack.queryUrl]);
    const x = await report([
      '--breakdown',
      'team',
      '--source',
      'prometheus',
      '--url',
      stack.queryUrl,
      '--promql',
      'xincrease',
    ]);
    expect({ t: x.totals, b: x.breakdowns }).toEqual({ t: auto.totals, b: auto.breakdowns });
    expect(auto.totals.runs).toBe(12);
    const r = await runCli(
      ['report', '--since', '1h', '--source', 'prometheus', '--url', stack.queryUrl, '--promql', 'anchored'],
      lead,
    );
    expect(r.code).toBe(1);
    const lines = errorLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refused a query: .*anchored.*--promql anchored\|xincrease picks the form/);
    const bad = await runCli(
      ['report', '--source', 'prometheus', '--url', stack.queryUrl, '--promql', 'x'],
      lead,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^claude-otel: --promql 'x' is not one of auto, anchored, xincrease$/);
  });
});
