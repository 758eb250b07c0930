// `claude-otel blocks` over a generated ledger with known windows: inferred windows (floored to the
// hour, 5 hours, a new one after the end or a gap), windows placed by observed resets_at, the
// active window's projection, and the exact --json document through the CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BlockRun, buildBlocks } from '../../../src/blocks/build-blocks.js';
import { blocksText } from '../../../src/blocks/format-blocks.js';
import { main } from '../../../src/cli/main.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { recordPlanReadings } from '../../../src/statusline/plan-observations.js';
import { sampleRecord } from '../ledger/sample-record.js';

const T = (hhmm: string, day = 26) => `2026-11-${day}T${hhmm}:00.000Z`;
const sec = (iso: string) => Date.parse(iso) / 1000;

/** A run of `minutes` from `start`, costing `usd`, with 100 prompt + 10 completion tokens. */
function run(id: string, start: string, usd: number, minutes = 10): BlockRun {
  return {
    run_id: id,
    started_at: start,
    ended_at: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    cost_usd: usd,
    models: { m: { prompt: 100, completion: 10, cache_read: 0, cache_creation: 0, total: 110 } },
  };
}

describe('buildBlocks', () => {
  it('infers windows: floored to the hour, 5 hours long, a new one at the end or after a gap', () => {
    const runs = [
      run('a', T('09:10'), 1),
      run('b', T('10:00'), 2),
      run('c', T('13:59'), 3), // still 09:00-14:00
      run('d', T('14:05'), 4), // 14:00-19:00
      run('e', T('22:30'), 5), // after a gap: 22:00-03:00
    ];
    const blocks = buildBlocks(runs, { now: Date.parse(T('23:30')) });
    expect(blocks.map((b) => [b.start, b.end, b.runs, b.cost_usd, b.active])).toEqual([
      [T('09:00'), T('14:00'), 3, 6, false],
      [T('14:00'), T('19:00'), 1, 4, false],
      [T('22:00'), T('03:00', 27), 1, 5, true],
    ]);
    // A past window: 6 USD over its 5 hours.
    expect(blocks[0]!.burn_rate_usd_per_hour).toBeCloseTo(1.2, 12);
    expect(blocks[0]!.projected_cost_usd).toBeNull();
    expect(blocks[0]!.tokens).toEqual({
      prompt: 300,
      completion: 30,
      cache_read: 0,
      cache_creation: 0,
      total: 330,
    });
    // Active: 5 USD in the 1.5 hours since 22:00; 3.5 hours left to 03:00 at that pace.
    expect(blocks[2]!.burn_rate_usd_per_hour).toBeCloseTo(5 / 1.5, 12);
    expect(blocks[2]!.projected_cost_usd).toBeCloseTo(5 + (5 / 1.5) * 3.5, 12);
  });

  it('places windows by observed resets_at; inferred ones stop where an observed one starts', () => {
    const runs = [
      run('x', T('11:15'), 1),
      run('y', T('12:40'), 2),
      run('z', T('15:00'), 3),
      run('w', T('17:45'), 4),
    ];
    // The plan said the window resets at 17:30 (two readings a second apart: one window).
    const blocks = buildBlocks(runs, {
      resetsAt: [sec(T('17:30')), sec(T('17:30')) + 1],
      now: Date.parse(T('20:00')),
    });
    expect(blocks.map((b) => [b.start, b.end, b.runs])).toEqual([
      [T('11:00'), T('12:30'), 1],
      [T('12:30'), T('17:30'), 2],
      [T('17:30'), T('22:30'), 1], // after the observed window: its hour is 17:00, but not before 17:30
    ]);
    expect(blocks[2]!.active).toBe(true);
  });

  it('has no blocks without runs', () => {
    expect(buildBlocks([], { now: 0 })).toEqual([]);
    expect(blocksText([])).toBe('No runs in this window.\n');
  });
});

describe('claude-otel blocks (generated ledger)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'blocks-test-'));
    env = { CLAUDE_OTEL_HOME: home, TZ: 'UTC' };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      env,
      stdout: { write: (s: string) => (stdout += s) } as unknown as NodeJS.WriteStream,
      stderr: { write: (s: string) => (stderr += s) } as unknown as NodeJS.WriteStream,
    });
    return { code, stdout, stderr };
  }

  it('prints exactly the documented --json document, and a table', async () => {
    const starts = [T('09:10', 20), T('12:00', 20), T('15:00', 20), T('16:20', 21)];
    starts.forEach((s, i) => {
      appendRunRecord({ ...sampleRecord(`r${i}`, s, i), cost_usd: 0.5 * (i + 1) }, env);
    });
    // The plan reported a window resetting at 2026-11-21T18:00Z: 13:00-18:00 on the 21st.
    recordPlanReadings({ five_hour: { used_percentage: 20, resets_at: sec(T('18:00', 21)) } }, env);
    const r = await cli(['blocks', '--json', '--since', '2026-11-20', '--until', '2026-11-21']);
    expect(r.code, r.stderr).toBe(0);
    const tokens = (n: number, i0: number) => ({
      prompt: Array.from({ length: n }, (_, k) => 100 + i0 + k).reduce((a, b) => a + b, 0),
      completion: 20 * n,
      cache_read: 300 * n,
      cache_creation: 40 * n,
      total: Array.from({ length: n }, (_, k) => 460 + i0 + k).reduce((a, b) => a + b, 0),
    });
    expect(JSON.parse(r.stdout)).toEqual({
      blocks: [
        {
          start: T('09:00', 20),
          end: T('14:00', 20),
          active: false,
          runs: 2,
          tokens: tokens(2, 0),
          cost_usd: 1.5,
          burn_rate_usd_per_hour: 0.3,
          projected_cost_usd: null,
        },
        {
          start: T('15:00', 20),
          end: T('20:00', 20),
          active: false,
          runs: 1,
          tokens: tokens(1, 2),
          cost_usd: 1.5,
          burn_rate_usd_per_hour: 0.3,
          projected_cost_usd: null,
        },
        {
          start: T('13:00', 21),
          end: T('18:00', 21),
          active: false,
          runs: 1,
          tokens: tokens(1, 3),
          cost_usd: 2,
          burn_rate_usd_per_hour: 0.4,
          projected_cost_usd: null,
        },
      ],
    });
    const text = await cli(['blocks', '--since', '2026-11-20', '--until', '2026-11-21']);
    expect(text.stdout.split('\n').slice(0, 3)).toEqual([
      '5-hour windows (local time)',
      'start             end    runs  tokens   cost  burn/h  projected',
      '2026-11-20 09:00  14:00     2     921  $1.50   $0.30',
    ]);
  });

  it('refuses a bad --since with a one-line usage error', async () => {
    const r = await cli(['blocks', '--since', 'someday']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("cannot read the time 'someday'");
  });
});
