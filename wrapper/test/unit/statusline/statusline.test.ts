// The status line over payloads recorded from the real Claude Code (fixtures/statusline, see
// record-statusline.ts): with and without rate_limits, and malformed input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTranscripts } from '../../../src/import/import-transcripts.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { indexRuns } from '../../../src/ledger/day-index.js';
import { readLedger } from '../../../src/ledger/read.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { RunningMarkerWriter } from '../../../src/run/running-marker.js';
import { readLedgerFigures } from '../../../src/statusline/ledger-figures.js';
import { statusLineFor } from '../../../src/statusline/main.js';
import { parseStatusPayload } from '../../../src/statusline/payload.js';
import { readPlanObservations, recordPlanReadings } from '../../../src/statusline/plan-observations.js';
import { PLACEHOLDER, renderStatusLine, windowPace } from '../../../src/statusline/render-line.js';
import { sampleRecord } from '../ledger/sample-record.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures/statusline');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
// 2026-11-26T15:30:00Z: the subscriber fixture's 5-hour window resets at 17:00Z, so it began at
// 12:00Z and 3.5 of its 5 hours are gone (70%).
const NOW = Date.parse('2026-11-26T15:30:00Z');

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'statusline-test-'));
  env = { CLAUDE_OTEL_HOME: home };
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('payload', () => {
  it('reads the recorded payload of an API-key session (no rate_limits)', () => {
    const p = parseStatusPayload(fixture('recorded-after-response.json'));
    expect(p).toEqual({
      session_id: expect.any(String),
      model: 'Sonnet 4.5',
      session_cost_usd: expect.any(Number),
      context_used_percent: 0,
      rate_limits: {},
    });
    expect(p?.session_cost_usd).toBeGreaterThan(0);
  });

  it('reads the first render, before any response (used_percentage is null)', () => {
    const p = parseStatusPayload(fixture('recorded-start.json'));
    expect(p?.context_used_percent).toBeUndefined();
    expect(p?.session_cost_usd).toBe(0);
  });

  it("reads a subscriber's rate_limits", () => {
    expect(parseStatusPayload(fixture('subscriber.json'))?.rate_limits).toEqual({
      five_hour: { used_percentage: 37.4, resets_at: 1795712400 },
      seven_day: { used_percentage: 12, resets_at: 1796169600 },
    });
  });

  it.each([
    ['not JSON', '{"session_id": '],
    ['empty', ''],
    ['an array', '[1,2]'],
    ['a string', '"hello"'],
  ])('gives nothing for %s', (_name, input) => {
    expect(parseStatusPayload(input)).toBeUndefined();
  });

  it('drops fields of the wrong type and out-of-range windows', () => {
    const p = parseStatusPayload(
      JSON.stringify({
        cost: { total_cost_usd: 'a lot' },
        context_window: { used_percentage: -3 },
        rate_limits: { five_hour: { used_percentage: 140, resets_at: 1 }, seven_day: { used_percentage: 5 } },
      }),
    );
    expect(p).toEqual({ rate_limits: {} });
  });
});

describe('the line', () => {
  it("shows every part for a subscriber's render", () => {
    const line = statusLineFor(fixture('subscriber.json'), env, NOW);
    expect(line).toBe(
      '<$0.01 session | $0.00 today | 5h 37% (70% of time, resets 17:00) | 7d 12% | $0.00/h | ctx 0%',
    );
  });

  it('drops the plan parts for an API-key session', () => {
    const line = statusLineFor(fixture('recorded-after-response.json'), env, NOW);
    expect(line).toBe('<$0.01 session | $0.00 today | $0.00/h | ctx 0%');
  });

  it('prints a short placeholder for malformed input, without throwing', () => {
    for (const input of ['garbage{', '', 'null', '[]'])
      expect(statusLineFor(input, env, NOW)).toBe(PLACEHOLDER);
  });

  it('shows the reset time on the local clock', () => {
    const p = parseStatusPayload(fixture('subscriber.json'));
    const prev = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata'; // UTC+5:30
    try {
      expect(renderStatusLine(p, undefined, NOW)).toContain('resets 22:30');
    } finally {
      process.env.TZ = prev;
    }
  });

  it('rounds the used percentage down and the pace to the nearest whole number', () => {
    const line = renderStatusLine(
      { rate_limits: { five_hour: { used_percentage: 99.6, resets_at: NOW / 1000 + 3600 } } },
      undefined,
      NOW,
    );
    expect(line).toBe('5h 99% (80% of time, resets 16:30)');
    expect(windowPace(NOW / 1000 + 6 * 3600, NOW)).toBe(0);
    expect(windowPace(NOW / 1000 - 60, NOW)).toBe(100);
  });
});

describe('ledger figures', () => {
  it("sums today's runs and the last hour's, once per run, from what appendRunRecord wrote", () => {
    // Ended at 15:00 (in the last hour) and 09:00 (today, earlier), and yesterday.
    appendRunRecord({ ...sampleRecord('a', '2026-11-26T14:59:58.500Z'), cost_usd: 1.25 }, env);
    appendRunRecord({ ...sampleRecord('b', '2026-11-26T08:59:58.500Z'), cost_usd: 2 }, env);
    appendRunRecord({ ...sampleRecord('c', '2026-11-25T20:00:00.000Z'), cost_usd: 4 }, env);
    // indexRuns writes by the day of the append (now); tests place them on the day of their end.
    fs.rmSync(path.join(home, 'statusline'), { recursive: true, force: true });
    indexRuns([rec('a', '2026-11-26T14:59:58.500Z', 1.25)], env, NOW);
    indexRuns([rec('b', '2026-11-26T08:59:58.500Z', 2)], env, Date.parse('2026-11-26T09:00:00Z'));
    indexRuns([rec('c', '2026-11-25T20:00:00.000Z', 4)], env, Date.parse('2026-11-25T20:00:02Z'));
    // The same run indexed twice (an append retried) counts once.
    indexRuns([rec('a', '2026-11-26T14:59:58.500Z', 1.25)], env, NOW);
    expect(readLedgerFigures(env, NOW)).toEqual({ today_usd: 3.25, last_hour_usd: 1.25 });
  });

  it("counts a run still going today with its running marker's live figures, once", () => {
    const started = '2026-11-26T15:00:00.000Z';
    const marker = new RunningMarkerWriter(env, {
      run_id: 'live-1',
      invocation_id: 'i',
      operation: 'swarm',
      agent: 'a',
      started_at: started,
    });
    const live = {
      tokens: { prompt: 1, completion: 2, cache_read: 0, cache_creation: 0, total: 3 },
      cost_usd: 0.5,
      models: ['m'],
    };
    marker.update(undefined, undefined, true, live);
    expect(readLedgerFigures(env, NOW)).toEqual({ today_usd: 0.5, last_hour_usd: 0 });
    // Recorded while its marker is still there: counted from the ledger only.
    indexRuns([rec('live-1', '2026-11-26T15:10:00.000Z', 0.75)], env, NOW);
    expect(readLedgerFigures(env, NOW).today_usd).toBe(0.75);
    marker.remove();
  });

  it("after a torn last index line (cut at every byte), the next run counts and the torn one doesn't", () => {
    indexRuns([rec('a', '2026-11-26T14:59:58.500Z', 1.25)], env, NOW);
    indexRuns([rec('torn', '2026-11-26T14:59:59.500Z', 2)], env, NOW);
    const file = path.join(home, 'statusline', 'days', '2026-11-26.jsonl');
    const whole = fs.readFileSync(file);
    const lastLine = whole.lastIndexOf(10, whole.length - 2) + 1;
    const cuts = whole.length - lastLine; // every length of the last line, newline cut off included
    expect(cuts).toBeGreaterThan(60);
    for (let cut = 0; cut < cuts; cut++) {
      const kept = lastLine + cut;
      fs.writeFileSync(file, whole.subarray(0, kept));
      indexRuns([rec('next', '2026-11-26T15:00:00.000Z', 0.5)], env, NOW);
      // Only the whole line without its newline is the torn run still readable; the run after it
      // always counts, once.
      const tornCounts = cut === cuts - 1 ? 2 : 0;
      expect(readLedgerFigures(env, NOW), `cut at ${cut}`).toEqual({
        today_usd: 1.25 + tornCounts + 0.5,
        last_hour_usd: 1.25 + tornCounts + 0.5,
      });
    }
  });

  it('appendRunRecord indexes the run it writes', () => {
    const start = new Date(Date.now() - 60_000).toISOString();
    appendRunRecord({ ...sampleRecord('x', start), cost_usd: 0.75 }, env);
    expect(readLedgerFigures(env).last_hour_usd).toBe(0.75);
  });

  it('import indexes the recent runs it writes, once each, and no old history', () => {
    // The recorded transcripts, copied twice: once moved to the last hour, once to a year ago.
    const fixtures = path.resolve(__dirname, '../../fixtures/transcripts/projects');
    const projects = path.join(home, 'projects');
    const shift = (dir: string, by: (ms: number) => number, tag: string) => {
      for (const project of fs.readdirSync(dir)) {
        for (const name of fs.readdirSync(path.join(dir, project))) {
          const file = path.join(dir, project, name);
          if (!name.endsWith('.jsonl')) continue;
          const text = fs
            .readFileSync(file, 'utf8')
            .replace(
              /"timestamp":"([^"]+)"/g,
              (_m, t: string) => `"timestamp":"${new Date(by(Date.parse(t))).toISOString()}"`,
            )
            // Distinct ids per copy, so the second copy is not deduplicated against the first.
            .replace(
              /"(id|requestId|sessionId|uuid)":"([^"]+)"/g,
              (_m, k: string, v: string) => `"${k}":"${tag}${v}"`,
            );
          fs.mkdirSync(path.join(projects, `${tag}${project}`), { recursive: true });
          fs.writeFileSync(path.join(projects, `${tag}${project}`, name), text);
        }
      }
    };
    const stamps = (dir: string): number[] =>
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((n) => n.endsWith('.jsonl'))
        .flatMap((n) =>
          [...fs.readFileSync(path.join(dir, n), 'utf8').matchAll(/"timestamp":"([^"]+)"/g)].map((m) =>
            Date.parse(m[1]!),
          ),
        );
    const latest = Math.max(...stamps(fixtures));
    const toRecent = Date.now() - 10 * 60_000 - latest;
    shift(fixtures, (ms) => ms + toRecent, 'new-');
    shift(fixtures, (ms) => ms + toRecent - 365 * 86_400_000, 'old-');
    const result = importTranscripts(projects, buildPriceTable(BUILTIN_PRICE_TABLE), env);
    const ledger = readLedger({ env }).runs;
    const recent = ledger.filter((r) => Date.parse(r.ended_at) > Date.now() - 86_400_000);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThan(ledger.length);
    const day = new Date().toISOString().slice(0, 10);
    const rows = fs
      .readFileSync(path.join(home, 'statusline', 'days', `${day}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; usd: number });
    expect(rows.map((r) => r.id).sort()).toEqual(recent.map((r) => r.run_id).sort());
    expect(result.records).toBe(ledger.length);
  });

  it('drops index files older than three days when a new day starts', () => {
    const day = (d: number) => Date.parse(`2026-11-${d}T12:00:00Z`);
    for (const d of [20, 22, 23, 24, 25])
      indexRuns([rec(`r${d}`, new Date(day(d)).toISOString(), 1)], env, day(d));
    indexRuns([rec('r26', new Date(day(26)).toISOString(), 1)], env, day(26));
    expect(fs.readdirSync(path.join(home, 'statusline', 'days')).sort()).toEqual([
      '2026-11-23.jsonl',
      '2026-11-24.jsonl',
      '2026-11-25.jsonl',
      '2026-11-26.jsonl',
    ]);
  });

  it('today follows the local day', () => {
    indexRuns([rec('early', '2026-11-26T03:00:00.000Z', 5)], env, Date.parse('2026-11-26T03:01:00Z'));
    expect(readLedgerFigures(env, NOW).today_usd).toBe(5);
    const prev = process.env.TZ;
    process.env.TZ = 'America/New_York'; // 03:00Z is 22:00 on the 25th there; NOW is 10:30 on the 26th
    try {
      expect(readLedgerFigures(env, NOW).today_usd).toBe(0);
    } finally {
      process.env.TZ = prev;
    }
  });
});

function rec(id: string, startedAt: string, cost: number) {
  const r = sampleRecord(id, startedAt);
  return { run_id: id, started_at: r.started_at, ended_at: r.ended_at, cost_usd: cost };
}

describe('plan observations', () => {
  it('keeps each (window, resets_at, used_percentage) once, across renders', () => {
    const subscriber = fixture('subscriber.json');
    statusLineFor(subscriber, env, NOW);
    statusLineFor(subscriber, env, NOW + 5000);
    const moved = JSON.parse(subscriber) as { rate_limits: { five_hour: { used_percentage: number } } };
    moved.rate_limits.five_hour.used_percentage = 38;
    statusLineFor(JSON.stringify(moved), env, NOW + 10_000);
    expect(readPlanObservations(env)).toEqual([
      {
        window: 'five_hour',
        used_percentage: 37.4,
        resets_at: 1795712400,
        observed_at: '2026-11-26T15:30:00.000Z',
      },
      {
        window: 'seven_day',
        used_percentage: 12,
        resets_at: 1796169600,
        observed_at: '2026-11-26T15:30:00.000Z',
      },
      {
        window: 'five_hour',
        used_percentage: 38,
        resets_at: 1795712400,
        observed_at: '2026-11-26T15:30:10.000Z',
      },
    ]);
    expect(fs.existsSync(path.join(home, 'plan', 'unsent'))).toBe(true);
  });

  it('records nothing for a session without rate_limits', () => {
    expect(recordPlanReadings({}, env, NOW)).toBe(0);
    statusLineFor(fixture('recorded-after-response.json'), env, NOW);
    expect(readPlanObservations(env)).toEqual([]);
  });
});
