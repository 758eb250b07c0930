// The issue's measured team test, with real processes: three collector replicas, a Prometheus 3
// scraper, Thanos with two receive nodes and query. Six simulated machines in team mode
// (CLAUDE_OTEL_TEAM/USER/PROJECT, resolved by the real identity code into each ledger record)
// export 300 runs concurrently with the real exporter, round-robin over the replicas; a CI
// machine in team mode exports its ledger with the real `claude-otel sync`. Mid-way one
// replica is stopped and restarted: exports sent to it while down fail and are sent again later
// (as the ledger's unsent runs are). Two real `claude-otel swarm` runs (real Claude Code, scripted
// API) in team mode export to two replicas. Thanos totals by team and user equal the ledgers'
// sums grouped by the identity the real code recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_ENV } from '../../src/config/identity.js';
import { startExporter } from '../../src/export/exporter.js';
import { appendRunRecord } from '../../src/ledger/append.js';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { runIdentity } from '../../src/run/context.js';
import { windowTotal } from '../../src/stack/team-config.js';
import { CLAUDE_BIN, makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { variedRun } from '../support/collector-fixtures.js';
import { finishPending } from '../support/finish-pending.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { startTeamStack, type TestTeamStack } from '../support/team-stack.js';
import { settle, waitFor } from '../support/wait-for.js';

type Identity = { team: string; user: string };
const MACHINES: Identity[] = [
  { team: 'platform', user: 'ana' },
  { team: 'platform', user: 'bo' },
  { team: 'data', user: 'cy' },
  { team: 'data', user: 'di' },
  { team: 'web', user: 'ed' },
  { team: 'web', user: 'fay' },
];
const CI: Identity = { team: 'ci', user: 'runner' };
const PROJECT = 'shop';
/** A machine's team-mode settings, as a developer would export them. */
const teamEnv = (id: Identity) => ({
  [IDENTITY_ENV.team]: id.team,
  [IDENTITY_ENV.user]: id.user,
  [IDENTITY_ENV.project]: PROJECT,
});
const RUNS_PER_MACHINE = 50;
const WAVE = 30;
const CI_BATCHES = 6;
const CI_RUNS_PER_BATCH = 10;
const WINDOW = '30m';
const KILLED = 2;

let stack: TestTeamStack;
const sandboxes: Sandbox[] = [];

let api: ScriptedApi;

beforeAll(async () => {
  stack = await startTeamStack({ replicas: 3, receivers: 2, scrapeIntervalMs: 1000 });
  api = await startScriptedApi();
});
afterAll(async () => {
  await stack?.stop();
  await api?.close();
  for (const s of sandboxes) s.cleanup();
});

interface Job {
  machine: number;
  record: RunRecord;
}

const key = (labels: Record<string, string | undefined>) => `${labels.team}/${labels.user}`;

/** Per team/user as the real code recorded it in each ledger record. */
function sums(records: RunRecord[]) {
  const tokens: Record<string, number> = {};
  const cents: Record<string, number> = {};
  const runs: Record<string, number> = {};
  for (const record of records) {
    const k = key(record.identity ?? {});
    tokens[k] = (tokens[k] ?? 0) + Object.values(record.models).reduce((s, m) => s + m.total, 0);
    cents[k] = (cents[k] ?? 0) + record.cost_usd * 100;
    runs[k] = (runs[k] ?? 0) + 1;
  }
  return { tokens, cents, runs };
}

async function thanosBy(expr: (series: string) => string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await stack.query(expr('openai_tokens_total{token_type="total"}')))
    out[key(s.labels)] = s.value;
  return out;
}

describe('team scale: 3 replicas, Thanos receive ×2, a replica restart mid-way', () => {
  it('Thanos window totals by team and user equal the ledgers exactly', async () => {
    const ci = makeSandbox('http://127.0.0.1:9', teamEnv(CI));
    sandboxes.push(ci);
    const ciIdentity = await runIdentity(ci.env, ci.workdir);
    const homes = MACHINES.map((id) => makeSandbox('http://127.0.0.1:9', teamEnv(id)));
    sandboxes.push(...homes);
    // The identity each machine's runs carry, resolved by the run's own code from its settings.
    const identities = await Promise.all(homes.map((h) => runIdentity(h.env, h.workdir)));
    expect(identities).toEqual(MACHINES.map((m) => ({ ...m, project: PROJECT })));
    // Each machine's ledger first (a run writes its record before exporting it).
    const jobs: Job[] = [];
    for (let i = 0; i < RUNS_PER_MACHINE; i++) {
      MACHINES.forEach((_, machine) => {
        const env = homes[machine]?.env ?? {};
        const identity = identities[machine];
        const record = { ...variedRun(machine * 1000 + i), ...(identity ? { identity } : {}) };
        jobs.push({ machine, record: appendRunRecord(record, env) });
      });
    }
    let next = 0;
    const retry: Job[] = [];
    let down = false;
    const exportWave = async (wave: Job[], avoid?: number) =>
      Promise.all(
        wave.map(async (job) => {
          let replica = next++ % stack.replicas.length;
          if (replica === avoid) replica = (replica + 1) % stack.replicas.length;
          const endpoint = stack.replicas[replica]?.grpcEndpoint ?? '';
          // The run's own export: a fresh exporter (probe, then metrics and spans) per run.
          const { error } = await startExporter({ endpoint, timeoutMs: 10_000 }).exportRuns([job.record]);
          if (error) {
            // Only the stopped replica may refuse: anything else is a failure of the test's setup.
            expect({ down, replica }).toEqual({ down: true, replica: KILLED });
            retry.push(job);
          }
        }),
      );
    const ciSync = async (batch: number, replicaIndex = batch % stack.replicas.length) => {
      for (let i = 0; i < CI_RUNS_PER_BATCH; i++)
        appendRunRecord(
          { ...variedRun(90_000 + batch * 100 + i), ...(ciIdentity ? { identity: ciIdentity } : {}) },
          ci.env,
        );
      const endpoint = stack.replicas[replicaIndex]?.grpcEndpoint ?? '';
      return runCli(['sync'], {
        env: { ...ci.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
        workdir: ci.workdir,
      });
    };
    const half = jobs.length / 2;
    for (let i = 0; i < half; i += WAVE) await exportWave(jobs.slice(i, Math.min(i + WAVE, half)));
    for (let b = 0; b < CI_BATCHES / 2; b++) expect((await ciSync(b)).code).toBe(0);

    // Drain the replica (as a load balancer's health check would), let its totals be scraped,
    // stop it. Runs keep coming, round-robin over all three: those sent to it now fail.
    const replica = stack.replicas[KILLED];
    if (!replica) throw new Error('no replica to stop');
    // Everything sent so far, the CI machine's synced runs included: a replica stopped before its
    // last deltas were scraped would lose them (collector/scale/README.md: drain first).
    const tokensOf = (r: RunRecord) => Object.values(r.models).reduce((a, m) => a + m.total, 0);
    const sentSoFar =
      jobs.slice(0, half).reduce((s, j) => s + tokensOf(j.record), 0) +
      readLedger({ env: ci.env }).runs.reduce((s, r) => s + tokensOf(r), 0);
    await waitFor(
      async () => (await stack.scalar('sum(openai_tokens_total{token_type="total"})')) === sentSoFar,
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: 'the first half in Thanos before stopping a replica',
      },
    );
    await replica.stop();
    down = true;
    const rest = jobs.slice(half);
    for (let i = 0; i < rest.length / 2; i += WAVE)
      await exportWave(rest.slice(i, Math.min(i + WAVE, rest.length / 2)));
    // The CI machine's sync aimed at the stopped replica fails; its runs stay unsent.
    const failedSync = await ciSync(CI_BATCHES / 2, KILLED);
    expect(failedSync.code).not.toBe(0);
    expect(retry.length).toBeGreaterThan(0);
    await replica.start();
    down = false;
    for (let i = rest.length / 2; i < rest.length; i += WAVE)
      await exportWave(rest.slice(i, Math.min(i + WAVE, rest.length)));
    // What failed while the replica was down is sent again (the unsent runs a later export sends).
    await exportWave(retry.splice(0));
    for (let b = CI_BATCHES / 2 + 1; b < CI_BATCHES; b++) expect((await ciSync(b)).code).toBe(0);
    // A handful of real runs for realism: the real Claude Code CLI through `claude-otel swarm`
    // against the scripted API, each exporting to a different replica (the restarted one too).
    // In team mode: the wrapper labels them itself.
    const real = [0, KILLED].map((replicaIndex) =>
      makeSandbox(api.url, {
        ...teamEnv(MACHINES[replicaIndex] as Identity),
        CLAUDE_OTEL_CLAUDE_BIN: CLAUDE_BIN,
        OTEL_EXPORTER_OTLP_ENDPOINT: stack.replicas[replicaIndex]?.grpcEndpoint ?? '',
      }),
    );
    sandboxes.push(...real);
    for (const sandbox of real) {
      const swarm = await runCli(
        ['swarm', 'x [[scenario:hello]]', '--', '--model', 'claude-sonnet-4-5'],
        sandbox,
      );
      expect(swarm.code, swarm.stderr).toBe(0);
      // If the run's bounded end-of-run export ran out, sync sends it (to the same replica).
      await finishPending(sandbox, 'team-scale real swarm');
    }
    const realRuns = real.flatMap((sandbox) => readLedger({ env: sandbox.env }).runs);
    expect(realRuns).toHaveLength(real.length);
    expect(realRuns.map((r) => r.identity)).toEqual(
      [0, KILLED].map((m) => ({ ...MACHINES[m], project: PROJECT })),
    );

    // Ledger truth, read back from every machine's ledger, grouped by the identity recorded there.
    const ciRuns = readLedger({ env: ci.env }).runs;
    expect(ciRuns).toHaveLength(CI_BATCHES * CI_RUNS_PER_BATCH);
    const allRuns = [...homes, ...real].flatMap((h) => readLedger({ env: h.env }).runs).concat(ciRuns);
    expect(allRuns.filter((r) => !r.identity)).toEqual([]);
    const ledger = sums(allRuns);
    expect(Object.keys(ledger.tokens).sort()).toEqual([...MACHINES, CI].map(key).sort());
    const realTokens = realRuns.reduce((s, r) => s + tokensOf(r), 0);
    expect(realTokens).toBeGreaterThan(0);
    const allTokens = Object.values(ledger.tokens).reduce((a, b) => a + b, 0);

    const byIdentity = (series: string) => `sum by (team, user) (${windowTotal(`${series}`, WINDOW)})`;
    const all = () => stack.scalar(`sum(${windowTotal('openai_tokens_total{token_type="total"}', WINDOW)})`);
    await settle(async () => (await all()) === allTokens, { timeoutMs: 60_000, intervalMs: 500 });

    const tokens = await thanosBy(byIdentity);
    expect(tokens).toEqual(ledger.tokens);
    expect(await all()).toBe(allTokens);
    const runs: Record<string, number> = {};
    for (const s of await stack.query(byIdentity('openai_request_duration_ms_count{team!=""}')))
      runs[key(s.labels)] = s.value;
    expect(runs).toEqual(ledger.runs);
    for (const s of await stack.query(byIdentity('openai_token_cost_total{team!=""}'))) {
      expect(s.value).toBeCloseTo(ledger.cents[key(s.labels)] ?? Number.NaN, 6);
    }
    // By team too (the same numbers summed), and the restart mattered: the latest values alone,
    // which lost the stopped replica's pre-restart totals, fall short of the ledgers.
    const teams: Record<string, number> = {};
    for (const [k, v] of Object.entries(ledger.tokens))
      teams[k.split('/')[0] ?? ''] = (teams[k.split('/')[0] ?? ''] ?? 0) + v;
    const thanosTeams: Record<string, number> = {};
    for (const s of await stack.query(
      `sum by (team) (${windowTotal('openai_tokens_total{token_type="total",team!=""}', WINDOW)})`,
    ))
      thanosTeams[s.labels.team ?? ''] = s.value;
    expect(thanosTeams).toEqual(teams);
    expect(await stack.scalar('sum(openai_tokens_total{token_type="total"})')).toBeLessThan(allTokens);
  });
});
