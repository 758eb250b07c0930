// End-to-end: `claude-otel monitor` in one process follows a `claude-otel swarm` (the real Claude
// Code CLI against the scripted endpoint, slowed down) in another: while the swarm runs, the run
// shows as running with tokens and an estimate; once it ends, as finished with the ledger's totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import { makeSandbox, runCli, type Sandbox, startCli } from '../support/cli.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

let api: ScriptedApi;
let s: Sandbox;

beforeAll(async () => {
  api = await startScriptedApi();
  s = makeSandbox(api.url);
});

afterAll(async () => {
  await api.close();
  s.cleanup();
});

/** key=value pairs of the plain-mode lines of one kind (`running`, `finished`). */
function linesOf(stdout: string, kind: string): Record<string, string>[] {
  return stdout
    .split('\n')
    .filter((l) => l.split(' ')[1] === kind)
    .map((l) =>
      Object.fromEntries(
        l
          .split(' ')
          .slice(2)
          .map((kv) => kv.split('=') as [string, string]),
      ),
    );
}

async function monitorOnce(): Promise<string> {
  const r = await runCli(['monitor', '--once'], s, 30_000);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('monitor', () => {
  it('shows a swarm run as running while it runs, then as finished with the ledger totals', async () => {
    // The first turn is answered, the second waits until a monitor has seen the run with its
    // tokens: a one-shot monitor is a process start each, slower than a turn on a loaded machine.
    api.hold('mon');
    api.release('mon', 1);
    const swarm = startCli(
      [
        'swarm',
        'slow [[scenario:tools turns=3 delay=800 tag=mon]]',
        '--agent-names',
        'watched',
        '--',
        '--model',
        'claude-sonnet-4-5',
      ],
      s,
    );
    let ended: string | undefined;
    void swarm.done.then((r) => {
      ended = `swarm ended early (${r.code}): ${r.stderr}`;
    });
    // Poll with one-shot monitors (a separate process each, as a user would in another terminal)
    // until one sees the run with tokens streamed so far.
    const running = await waitFor(
      async () => {
        const row = linesOf(await monitorOnce(), 'running')[0];
        return row && Number(row.tokens) > 0 ? row : undefined;
      },
      { what: 'monitor to show the run in progress with tokens', timeoutMs: 60_000, fatal: () => ended },
    );
    api.release('mon');
    expect(running).toMatchObject({ operation: 'swarm', agent: 'watched', model: 'claude-sonnet-4-5' });
    expect(Number(running.cost_usd_estimate)).toBeGreaterThan(0);
    expect(Number(running.elapsed_s)).toBeGreaterThan(0);

    const done = await swarm.done;
    expect(done.code, done.stderr).toBe(0);
    const { runs } = readLedger({ env: s.env });
    expect(runs).toHaveLength(1);
    const record = runs[0]!;
    expect(record.run_id).toBe(running.run_id);
    const total = Object.values(record.models).reduce((n, m) => n + m.total, 0);
    // The streamed estimate never overshoots what the run finally recorded.
    expect(Number(running.tokens)).toBeLessThanOrEqual(total);

    const after = await monitorOnce();
    expect(linesOf(after, 'running')).toEqual([]);
    expect(linesOf(after, 'finished')).toEqual([
      {
        run_id: record.run_id,
        operation: 'swarm',
        agent: 'watched',
        status: 'success',
        duration_s: (record.duration_ms / 1000).toFixed(1),
        tokens: String(total),
        cost_usd: JSON.stringify(record.cost_usd), // as stored, unrounded
      },
    ]);
    expect(after).toMatch(new RegExp(`runs=1 tokens=${total} .* running=0\\n`));
  });

  it('in plain mode stops after --count refreshes, one summary line each', async () => {
    const r = await runCli(['monitor', '--interval', '0.2', '--count', '3'], s, 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => / runs=\d+ /.test(l))).toHaveLength(3);
    // The finished run from the first test is printed once, not on every refresh.
    expect(linesOf(r.stdout, 'finished')).toHaveLength(1);
  });
});
