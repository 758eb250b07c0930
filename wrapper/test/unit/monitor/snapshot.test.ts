// The monitor's view: totals, burn rate over the last 15 minutes, active invocations, plain lines.
import { describe, expect, it } from 'vitest';
import { BURN_WINDOW_MS, renderSnapshot, snapshotLine, takeSnapshot } from '../../../src/monitor/snapshot.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

describe('monitor snapshot', () => {
  const runs = generateRuns(60);
  const last = runs[runs.length - 1]!;
  const now = Date.parse(last.ended_at) + 1000;

  it('burn rate is the cost of runs that ended in the last 15 minutes, per hour', () => {
    const recent = runs.filter((r) => Date.parse(r.ended_at) >= now - BURN_WINDOW_MS);
    expect(recent.length).toBeGreaterThan(0);
    const snap = takeSnapshot(runs, now);
    expect(snap.burn.usd_per_hour).toBeCloseTo(recent.reduce((s, r) => s + r.cost_usd, 0) * 4, 9);
    expect(snap.active).toEqual([last.invocation_id]);
    expect(snap.recent[0]!.run_id).toBe(last.run_id);
    expect(snap.totals.runs).toBe(60);
  });

  it('renders a screen for a terminal and one line otherwise', () => {
    const snap = takeSnapshot(runs, now);
    expect(renderSnapshot(snap, 'x')).toContain(`total $${snap.totals.cost_usd.toFixed(4)}`);
    const line = snapshotLine(snap);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(line).toContain('runs=60 ');
  });
});
