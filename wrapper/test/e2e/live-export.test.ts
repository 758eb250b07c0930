// Live export through the real pipeline: the built CLI runs the real Claude Code against the
// scripted endpoint (each answer delayed), the real collector and Prometheus. While a run goes on,
// Prometheus's total rises turn by turn and never falls; at its end it equals the ledger exactly,
// also for a two-model run with a subagent, after a SIGKILL of the wrapper (then recovered), and
// across a collector that is stopped mid-run and started again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalFile, readLiveSent } from '../../src/export/live-journal.js';
import { pendingRunIds, readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import type { RunningMarker } from '../../src/running/markers.js';
import { makeSandbox, runCli, type Sandbox, startCli } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { finishPending } from '../support/finish-pending.js';
import { isRunning } from '../support/processes.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { awaitTotals, expectExact } from '../support/swarm-pipeline.js';
import { waitFor } from '../support/wait-for.js';

const SONNET = 'claude-sonnet-4-5';

let api: ScriptedApi | undefined;
let collector: TestCollector | undefined;
let prom: TestPrometheus | undefined;
let sandbox: Sandbox | undefined;

function sb(): Sandbox {
  if (!sandbox) throw new Error('no sandbox');
  return sandbox;
}

function records(operation: string): RunRecord[] {
  const { runs, warnings } = readLedger({ env: sb().env, strict: true });
  expect(warnings).toEqual([]);
  return runs.filter((r) => r.operation === operation);
}

interface Sample {
  tokens: number;
  cents: number;
  running: boolean;
  /** Output tokens the running marker (what `monitor` shows) had then. */
  markerCompletion: number;
}

/** Polls Prometheus's totals for an operation until `done` settles; every sample, in order. */
async function watch(operation: string, done: Promise<unknown>): Promise<Sample[]> {
  const p = prom!;
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  const samples: Sample[] = [];
  while (!finished) {
    const running = !finished;
    const tokens = await p.scalar(`sum(openai_tokens_total{operation="${operation}",token_type="total"})`);
    const cents = await p.scalar(`sum(openai_token_cost_total{operation="${operation}"})`);
    const markerCompletion = readMarkers().reduce((n, m) => n + m.tokens.completion, 0);
    samples.push({ tokens, cents, running: running && !finished, markerCompletion });
    await new Promise((r) => setTimeout(r, 150));
  }
  return samples;
}

/** Distinct non-zero token totals Prometheus showed while the run was still going. */
function risesWhileRunning(samples: Sample[]): number[] {
  const values: number[] = [];
  for (const s of samples) if (s.running && s.tokens > 0 && s.tokens !== values.at(-1)) values.push(s.tokens);
  return values;
}

function expectNeverDecreasing(samples: Sample[]) {
  for (let i = 1; i < samples.length; i++) {
    expect(samples[i]!.tokens, `tokens at sample ${i}`).toBeGreaterThanOrEqual(samples[i - 1]!.tokens);
    expect(samples[i]!.cents, `cents at sample ${i}`).toBeGreaterThanOrEqual(
      samples[i - 1]!.cents * (1 - 1e-12),
    );
  }
}

function swarmArgs(operation: string, prompt: string, model = SONNET, extra: string[] = []): string[] {
  return [
    'swarm',
    prompt,
    '--operation',
    operation,
    '--live-interval',
    '300ms',
    ...extra,
    '--',
    '--model',
    model,
  ];
}

beforeAll(async () => {
  api = await startScriptedApi();
  collector = await startCollector();
  prom = await startPrometheus(collector.metricsTarget, 250);
  sandbox = makeSandbox(api.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
    // Exactness checks: a send the collector takes but answers after the 2 s bound is sent again
    // and counted twice (the documented at-least-once limit, README "Durability"); a longer bound
    // keeps a loaded machine's slow answers out of them. The bound is tested in process-faults.
    CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '10000',
    CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS: '1000',
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await prom?.stop();
  await collector?.close();
  sandbox?.cleanup();
});

describe('live export: spend visible while a run goes on, exact at its end', () => {
  it('a long session: the Prometheus total rises turn by turn, never falls, and equals the ledger', async () => {
    const cli = startCli(
      swarmArgs('long', 'long [[scenario:tools turns=6 delay=1500 tag=long in=900 out=70 cr=400]]'),
      sb(),
    );
    const samples = await watch('long', cli.done);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    const runs = records('long');
    expect(runs).toHaveLength(1);
    const rises = risesWhileRunning(samples);
    expect(rises.length, `totals seen while running: ${rises.join(', ')}`).toBeGreaterThanOrEqual(3);
    await finishPending(sb(), 'live-export long');
    expectExact(await awaitTotals(prom!, 'operation="long"', runs, 'raw'));
    const after = await prom!.scalar('sum(openai_tokens_total{operation="long",token_type="total"})');
    expectNeverDecreasing([
      ...samples,
      { tokens: after, cents: samples.at(-1)!.cents, running: false, markerCompletion: 0 },
    ]);
    // monitor's view of the running run had the messages' final output counts (the stream shows 1
    // per message until the result): the same figures as the live export.
    expect(Math.max(...samples.map((x) => x.markerCompletion))).toBeGreaterThanOrEqual(70);
    // The final record's export subtracted the journal and removed it.
    expect(pendingRunIds(sb().env)).toEqual([]);
    expect(fs.existsSync(journalFile(sb().env, runs[0]!.run_id))).toBe(false);
  }, 120_000);

  it('a two-model run with a subagent in team mode: rises live under its team, equals the ledger per model at the end', async () => {
    // Team mode: the live deltas carry the run's identity labels like its final delta does, so the
    // team's series holds everything and no unlabelled series takes the live part.
    const teamEnv = { ...sb().env, CLAUDE_OTEL_TEAM: 'live-team', CLAUDE_OTEL_USER: 'dev-1' };
    const cli = startCli(
      swarmArgs(
        'sub',
        'delegate [[scenario:agent tag=livesub in=800 out=40 delay=1500 sub_turns=3 sub_model=haiku sub_in=300 sub_out=45 sub_delay=1500]]',
      ),
      { env: teamEnv, workdir: sb().workdir },
    );
    const samples = await watch('sub', cli.done);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    const runs = records('sub');
    expect(runs).toHaveLength(1);
    expect(Object.keys(runs[0]!.models).length).toBe(2);
    const rises = risesWhileRunning(samples);
    expect(rises.length, `totals seen while running: ${rises.join(', ')}`).toBeGreaterThanOrEqual(3);
    expectNeverDecreasing(samples);
    await finishPending(sb(), 'live-export sub');
    expectExact(await awaitTotals(prom!, 'operation="sub"', runs, 'raw'));
    expect(runs[0]!.identity?.team).toBe('live-team');
    const teamTotal = await prom!.scalar(
      'sum(openai_tokens_total{operation="sub",token_type="total",team="live-team",user="dev-1"})',
    );
    const unlabelled = await prom!.query('openai_tokens_total{operation="sub",team!="live-team"}');
    expect(unlabelled, 'series of this run without its team label').toEqual([]);
    const allTotal = await prom!.scalar('sum(openai_tokens_total{operation="sub",token_type="total"})');
    expect(teamTotal).toBeGreaterThan(0);
    expect(teamTotal).toBe(allTotal);
  }, 120_000);

  it('--budget-usd stops a run on its exact per-turn figures, before the stream (output 1 per message) would', async () => {
    // Each turn costs ~$0.30 in output alone; the stream shows that output only with the result.
    const r = await runCli(
      swarmArgs('budget', 'spend [[scenario:tools turns=8 delay=1200 tag=budget in=100 out=20000]]', SONNET, [
        '--budget-usd',
        '0.5',
      ]),
      sb(),
      120_000,
    );
    expect(r.code, r.stderr).toBe(3);
    const runs = records('budget');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.termination).toBe('budget');
    expect(api!.requests.filter((q) => q.params.tag === 'budget').length).toBeLessThan(9);
    expectExact(await awaitTotals(prom!, 'operation="budget"', runs, 'raw'));
  }, 120_000);

  it('the wrapper SIGKILLed mid-run, then recovered: Prometheus equals the run totals, no more, no less', async () => {
    const cli = startCli(
      swarmArgs('killed', 'long [[scenario:tools turns=10 delay=1500 tag=kill in=700 out=60]]'),
      sb(),
    );
    // Something was sent live first, so recovery has a journal to subtract. Prometheus can scrape a
    // send the collector applied before the wrapper journals its acknowledgement: wait for both.
    const acked = () => Object.keys(readLiveSent(sb().env, runningMarker().run_id)?.sent ?? {}).length;
    await waitFor(
      async () =>
        (await prom!.scalar('sum(openai_tokens_total{operation="killed",token_type="total"})')) > 0 &&
        acked() > 0,
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'live tokens before the kill, acknowledged in the journal',
      },
    );
    const marker = runningMarker();
    const journalBefore = readLiveSent(sb().env, marker.run_id);
    expect(journalBefore && Object.keys(journalBefore.sent).length).toBeGreaterThan(0);
    cli.kill('SIGKILL');
    await cli.done;
    // The watchdog ends Claude Code; recovery waits for that anyway.
    await waitFor(() => marker.claude_pid === undefined || !isRunning(marker.claude_pid), {
      timeoutMs: 20_000,
      what: 'Claude Code to stop after the wrapper was killed',
    });
    const sync = await runCli(['sync', '--json'], sb(), 60_000);
    expect(sync.code, sync.stderr).toBe(0);
    const runs = records('killed');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.termination).toBe('recovered');
    expect(runs[0]!.run_id).toBe(marker.run_id);
    expect(runs[0]!.models[SONNET]?.total ?? 0).toBeGreaterThan(0);
    expectExact(await awaitTotals(prom!, 'operation="killed"', runs, 'raw'));
    expect(fs.existsSync(journalFile(sb().env, marker.run_id))).toBe(false);
  }, 150_000);

  it('the collector stopped mid-run and started again: the totals stay exact', async () => {
    const c = collector!;
    const a = api!;
    const cli = startCli(
      swarmArgs('outage', 'long [[scenario:tools turns=8 delay=1000 tag=outage in=650 out=55]]'),
      sb(),
    );
    const promTokens = () => prom!.scalar('sum(openai_tokens_total{operation="outage",token_type="total"})');
    await waitFor(async () => (await promTokens()) > 0, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'live tokens before the outage',
    });
    // The collector's totals live in memory until Prometheus scrapes them, so a collector that stops
    // loses what it acknowledged since the last scrape (README, Live export: planned restarts are
    // drained). This test covers the outage itself, so it stops the collector at a point where
    // Prometheus holds everything the journal says was acknowledged: Claude Code waits on a held
    // answer (its transcript stops growing), and the wrapper is paused between two sends.
    const runId = runningMarker().run_id;
    const journal = () => readLiveSent(sb().env, runId);
    const ackedTokens = () =>
      Object.entries(journal()?.sent ?? {})
        .filter(([key]) => key.startsWith('tokens\t') && key.split('\t')[2] === 'total')
        .reduce((sum, [, v]) => sum + v, 0);
    a.hold('outage');
    await waitFor(() => a.held('outage') > 0, {
      timeoutMs: 30_000,
      what: 'Claude Code waiting on a held answer',
    });
    // A pause can land while a send is in flight (acknowledged by the collector, not yet in the
    // journal); then the wrapper goes on and is paused again, until it is paused between sends.
    let paused = false;
    for (let attempt = 0; attempt < 20 && !paused; attempt++) {
      cli.kill('SIGSTOP');
      paused = await waitFor(
        async () => journal()?.unacknowledged === 0 && (await promTokens()) === ackedTokens(),
        { timeoutMs: 3000, intervalMs: 200, what: 'Prometheus holding every acknowledged live send' },
      ).then(
        () => true,
        () => false,
      );
      if (!paused) {
        cli.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    try {
      expect(paused, 'the wrapper paused with Prometheus holding every acknowledged send').toBe(true);
      await c.stop();
    } finally {
      cli.kill('SIGCONT');
    }
    // Two more turns complete while the collector is gone: their live sends fail (intents left
    // unacknowledged in the journal).
    const before = a.answered('outage');
    a.release('outage', 2);
    await waitFor(() => a.answered('outage') >= before + 2 && a.held('outage') > 0, {
      timeoutMs: 60_000,
      what: 'two turns during the outage',
    });
    await waitFor(() => (journal()?.unacknowledged ?? 0) > 0, {
      timeoutMs: 30_000,
      what: 'a live send failing during the outage',
    });
    // The run cannot end while the collector starts: the rest is answered once it is up.
    await c.start();
    a.release('outage');
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    const runs = records('outage');
    expect(runs).toHaveLength(1);
    await finishPending(sb(), 'live-export outage');
    // The restart reset the collector's cumulative streams: anchored increases span it exactly.
    expectExact(await awaitTotals(prom!, 'operation="outage"', runs, 'increase'));
  }, 150_000);
});

function readMarkers(): RunningMarker[] {
  const dir = path.join(sb().otelHome, 'running');
  const out: RunningMarker[] = [];
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as RunningMarker);
    } catch {
      // Removed or replaced meanwhile.
    }
  }
  return out;
}

function runningMarker(): RunningMarker {
  const marker = readMarkers()[0];
  if (!marker) throw new Error('no running marker');
  return marker;
}
