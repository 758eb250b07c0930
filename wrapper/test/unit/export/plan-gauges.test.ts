// Which plan readings become the gauges: each window's latest window, then its latest reading.
import { describe, expect, it } from 'vitest';
import { latestPlanGauges } from '../../../src/export/plan-gauges.js';

describe('latestPlanGauges', () => {
  it('takes the newest window, then the newest reading in it', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 12, 0, s)).toISOString();
    expect(
      latestPlanGauges([
        { window: 'five_hour', resets_at: 2000, used_percentage: 10, observed_at: at(1) },
        { window: 'five_hour', resets_at: 2000, used_percentage: 30, observed_at: at(3) },
        { window: 'five_hour', resets_at: 1000, used_percentage: 90, observed_at: at(4) }, // a stale session
        { window: 'seven_day', resets_at: 9000, used_percentage: 5, observed_at: at(2) },
      ]),
    ).toEqual([
      { window: 'five_hour', used_percent: 30, resets_at: 2000 },
      { window: 'seven_day', used_percent: 5, resets_at: 9000 },
    ]);
    expect(latestPlanGauges([])).toEqual([]);
  });
});
