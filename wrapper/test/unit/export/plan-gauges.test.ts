// Which plan readings become the gauges: each window's latest window, then its latest reading.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportPendingWith } from '../../../src/export/export-pending.js';
import { startExporter } from '../../../src/export/exporter.js';
import { latestPlanGauges } from '../../../src/export/plan-gauges.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { recordPlanReadings } from '../../../src/statusline/plan-observations.js';
import { sampleRecord } from '../ledger/sample-record.js';

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

describe('queued plan readings and a collector that is down', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-export-'));
    env = { CLAUDE_OTEL_HOME: home };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
  const unsent = () => fs.existsSync(path.join(home, 'plan', 'unsent'));

  it('stay queued; no second complaint when the runs already failed', async () => {
    recordPlanReadings({ five_hour: { used_percentage: 50, resets_at: 1795712400 } }, env);
    // Nothing listens on port 9 here (the e2e sandboxes rely on it too).
    const exporter = () => startExporter({ endpoint: 'http://127.0.0.1:9', timeoutMs: 1000, env });
    const alone = await exportPendingWith(exporter(), { env, deadline: Date.now() + 3000 });
    expect(alone.warnings).toEqual([expect.stringMatching(/^plan gauges not sent: collector unreachable/)]);
    expect(unsent()).toBe(true);

    appendRunRecord(sampleRecord('run-1', '2026-11-26T10:00:00.000Z'), env);
    const withRun = await exportPendingWith(exporter(), { env, deadline: Date.now() + 3000 });
    expect(withRun.error).toMatch(/collector unreachable/);
    expect(withRun.warnings).toEqual([]);
    expect(unsent()).toBe(true);
  });
});
