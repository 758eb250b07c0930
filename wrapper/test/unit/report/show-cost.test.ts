// `show` per-turn detail and `cost` session/today summaries.
import { describe, expect, it } from 'vitest';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { summarizeCost } from '../../../src/report/cost-summary.js';
import { findRun } from '../../../src/report/find-run.js';
import { formatRunDetail, turnDetails } from '../../../src/report/run-detail.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

const runs = generateRuns(60);
const table = buildPriceTable(BUILTIN_PRICE_TABLE);

describe('show', () => {
  it('turn costs add up to the run cost and timings are offsets from the start', () => {
    const run = runs.find((r) => r.num_turns >= 3 && r.cost_usd > 0)!;
    const turns = turnDetails(run, table);
    expect(turns).toHaveLength(run.num_turns);
    expect(turns.reduce((s, t) => s + t.cost_usd, 0)).toBeCloseTo(run.cost_usd, 12);
    expect(turns[0]!.offset_ms).toBe(0);
    expect(turns[1]!.offset_ms).toBe(run.turns[1]!.start_ms - Date.parse(run.started_at));
    expect(formatRunDetail(run, turns)).toContain(`run        ${run.run_id}`);
  });

  it('finds last, a full id, or a unique prefix; refuses an ambiguous one', () => {
    expect(findRun(runs, 'last').run_id).toBe('run-000059');
    expect(findRun(runs, 'run-000007').run_id).toBe('run-000007');
    expect(findRun([runs[3]!, runs[59]!], 'run-00000').run_id).toBe('run-000003');
    expect(() => findRun(runs, 'run-00001')).toThrow(/matches 10 runs/);
    expect(() => findRun([], 'last')).toThrow(/no runs yet/);
    // The empty prefix matches every id: refused, not taken for the only run.
    expect(() => findRun([runs[3]!], '')).toThrow(/the run id is empty/);
    expect(() => findRun(runs, '  ')).toThrow(/the run id is empty/);
    expect(findRun(runs, ' run-000007 ').run_id).toBe('run-000007');
  });
});

describe('cost', () => {
  it('sums the last session and today', () => {
    const today = { since: new Date('2026-11-14T00:00:00Z'), until: new Date('2026-11-14T23:59:59.999Z') };
    const s = summarizeCost(runs, today);
    const last = runs[runs.length - 1]!;
    const sessionRuns = runs.filter((r) => r.session_id === last.session_id);
    expect(s.session?.id).toBe(last.session_id);
    expect(s.session?.totals.cost_usd).toBeCloseTo(
      sessionRuns.reduce((a, r) => a + r.cost_usd, 0),
      12,
    );
    const todays = runs.filter((r) => r.started_at.startsWith('2026-11-14'));
    expect(s.today.runs).toBe(todays.length);
    expect(summarizeCost(runs, today, 'sess-000001').session?.totals.runs).toBe(3);
    // A unique prefix is enough, as for show's run ids; an ambiguous or empty one is refused.
    const renamed = runs.map((r) => (r.session_id === 'sess-000019' ? { ...r, session_id: 'zeta-19' } : r));
    expect(summarizeCost(renamed, today, 'zeta').session?.id).toBe('zeta-19');
    expect(summarizeCost(renamed, today, 'zeta').session?.totals.runs).toBe(3);
    expect(summarizeCost(runs, today, ' sess-000001 ').session?.totals.runs).toBe(3);
    expect(() => summarizeCost(runs, today, 'sess-00001')).toThrow(/matches 10 sessions/);
    expect(() => summarizeCost(runs, today, '')).toThrow(/the session id is empty/);
    expect(summarizeCost(runs, today, 'nope').session).toEqual({ id: 'nope', totals: expect.anything() });
    expect(summarizeCost(runs, today, 'nope').session?.totals.runs).toBe(0);
  });
});
