// The monitor's view: totals, burn rate over the last 15 minutes, active invocations, runs in
// progress from their markers, and the screen and plain-line renderings.
import { describe, expect, it } from 'vitest';
import { finishedLines, renderSnapshot, snapshotLine } from '../../../src/monitor/render.js';
import { BURN_WINDOW_MS, takeSnapshot } from '../../../src/monitor/snapshot.js';
import type { RunningMarker } from '../../../src/running/markers.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

const runs = generateRuns(60);
const last = runs[runs.length - 1]!;
const now = Date.parse(last.ended_at) + 1000;

function marker(run_id: string, startedAgoMs: number, total: number): RunningMarker {
  return {
    run_id,
    invocation_id: 'swarm-live',
    operation: 'swarm',
    agent: 'coder',
    pid: 1,
    started_at: new Date(now - startedAgoMs).toISOString(),
    updated_at: new Date(now).toISOString(),
    models: ['claude-sonnet-4-5'],
    turns: 2,
    tokens: { prompt: total - 10, completion: 10, cache_read: 0, cache_creation: 0, total },
    cost_usd_estimate: 0.0123,
  };
}

describe('monitor snapshot', () => {
  it('burn rate is the cost of runs that ended in the last 15 minutes, per hour', () => {
    const recent = runs.filter((r) => Date.parse(r.ended_at) >= now - BURN_WINDOW_MS);
    expect(recent.length).toBeGreaterThan(0);
    const snap = takeSnapshot(runs, now);
    expect(snap.burn.usd_per_hour).toBeCloseTo(recent.reduce((s, r) => s + r.cost_usd, 0) * 4, 9);
    expect(snap.active).toEqual([last.invocation_id]);
    expect(snap.recent[0]!.run_id).toBe(last.run_id);
    expect(snap.totals.runs).toBe(60);
    expect(snap.running).toEqual([]);
  });

  it('shows runs in progress oldest first, and drops a marker whose run is already in the ledger', () => {
    const snap = takeSnapshot(runs, now, [
      marker('run-b', 5_000, 300),
      marker('run-a', 65_000, 1200),
      marker(last.run_id, 9_000, 5),
    ]);
    expect(snap.running.map((r) => [r.run_id, r.elapsed_ms, r.tokens])).toEqual([
      ['run-a', 65_000, 1200],
      ['run-b', 5_000, 300],
    ]);
    expect(snap.active).toEqual([last.invocation_id, 'swarm-live'].sort());
    expect(snap.totals.runs).toBe(60); // running runs are not totals yet
    const screen = renderSnapshot(snap, new Date(now));
    expect(screen).toContain('running (2)');
    expect(screen).toMatch(/swarm\s+coder\s+claude-sonnet-4-5\s+1m05s\s+2\s+1,200\s+\$0\.0123/);
  });

  it('renders a screen for a terminal and plain lines otherwise', () => {
    const snap = takeSnapshot(runs, now, [marker('run-a', 2_500, 42)]);
    expect(renderSnapshot(snap, new Date(now))).toContain(`total $${snap.totals.cost_usd.toFixed(4)}`);
    const lines = snapshotLine(snap).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('runs=60 ');
    expect(lines[0]).toMatch(/ running=1$/);
    expect(lines[1]).toBe(
      `${snap.at} running run_id=run-a operation=swarm agent=coder model=claude-sonnet-4-5 ` +
        'elapsed_s=2.5 turns=2 tokens=42 cost_usd_estimate=0.0123',
    );
  });

  it('the screen shows local times: the header and each row, in the process time zone', () => {
    const prev = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata'; // UTC+5:30 all year: no clock in it reads like UTC
    try {
      // The wall-clock text of an instant in Kolkata, worked out without the formatter.
      const kolkata = (ms: number) =>
        new Date(ms + 5.5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const snap = takeSnapshot(runs, now, [marker('run-a', 65_000, 1200)]);
      const since = now - 3600_000;
      const screen = renderSnapshot(snap, new Date(since)).split('\n');
      expect(screen[0]).toBe(`claude-otel monitor  ${kolkata(now)}  (since ${kolkata(since)})`);
      const running = screen[screen.indexOf('running (1)') + 2]!;
      expect(running.startsWith(`${kolkata(now - 65_000).slice(11)} swarm `)).toBe(true);
      const finished = screen[screen.indexOf('finished') + 2]!; // the newest: `last`
      expect(finished.slice(0, 9)).toBe(`${kolkata(Date.parse(last.ended_at)).slice(11)} `);
      // Not UTC, and not ISO.
      expect(screen[0]).not.toContain(new Date(now).toISOString().slice(11, 19));
      expect(screen.join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    } finally {
      if (prev === undefined) delete process.env.TZ;
      else process.env.TZ = prev;
    }
  });

  it('plain lines carry the stored dollar amounts, not a rounding of them', () => {
    const cost = 0.0107715; // 0.010772 at six decimals
    const run = { ...last, cost_usd: cost };
    const snap = takeSnapshot([run], now, [{ ...marker('run-a', 2_500, 42), cost_usd_estimate: cost }]);
    const [summary, running] = snapshotLine(snap).trimEnd().split('\n');
    expect(summary).toContain(' cost_usd=0.0107715 ');
    expect(summary).toContain(` burn_usd_per_hour=${JSON.stringify(snap.burn.usd_per_hour)} `);
    expect(running).toMatch(/ cost_usd_estimate=0\.0107715$/);
    expect(finishedLines(snap, new Set())).toMatch(/ cost_usd=0\.0107715\n$/);
  });

  it('reports each finished run once, oldest first', () => {
    const reported = new Set<string>();
    const first = finishedLines(takeSnapshot(runs.slice(0, 59), now), reported)
      .trimEnd()
      .split('\n');
    expect(first).toHaveLength(15);
    expect(first[14]).toContain(`finished run_id=${runs[58]!.run_id} `);
    const next = finishedLines(takeSnapshot(runs, now), reported);
    expect(next.trimEnd().split('\n')).toEqual([expect.stringContaining(`run_id=${last.run_id} `)]);
    expect(finishedLines(takeSnapshot(runs, now), reported)).toBe('');
  });
});
