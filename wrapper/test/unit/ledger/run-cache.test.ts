// The report summary cache: a cached load gives exactly what reading every line gives (runs,
// turns, tool calls, warnings), follows appends, notices a shrunk or rewritten ledger file, and
// shrugs off a damaged cache file by rebuilding it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoadOptions, loadReportRuns } from '../../../src/ledger/load-runs.js';
import { CACHE_FORMAT, cachePath, REWRITE_AFTER_BYTES, readCache } from '../../../src/ledger/run-cache.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { buildReport } from '../../../src/report/build-report.js';
import { DIMENSIONS } from '../../../src/report/dimensions.js';
import { renderReport } from '../../../src/report/render.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

/** Every fourth run recorded in team mode; the identity sits where the writer puts it (after ci). */
const withIdentity = (r: ReturnType<typeof generateRuns>[number], i: number) =>
  i % 4 !== 1
    ? r
    : Object.fromEntries(
        Object.entries(r).flatMap(([k, v]) =>
          k === 'ci'
            ? [
                [k, v],
                ['identity', { team: `t${i % 3}`, user: `u-${i % 5}`, project: 'acme/api' }],
              ]
            : [[k, v]],
        ),
      );
const all = generateRuns(1000, { seed: 7 }).map(withIdentity) as ReturnType<typeof generateRuns>;
const lineOf = (r: unknown) => `${JSON.stringify(r)}\n`;
// A line that is not JSON, and one whose front is fine but whose turns are cut: damaged only
// once turns are read (the cost analysis).
const BAD_LINE = '{"v":1,"kind":"run","run_id":"broken\n';
const badTurns = () => {
  const text = JSON.stringify({ ...all[0]!, run_id: 'bad-turns' });
  return `${text.replace(',"turns":[{', ',"turns":[{oops')}\n`;
};

let home: string;
let file: string;
const env = () => ({ CLAUDE_OTEL_HOME: home });

function load(options: Omit<LoadOptions, 'env'>) {
  return loadReportRuns({ ...options, env: env() });
}

const REPORT_FIELDS = [
  'run_id',
  'invocation_id',
  'session_id',
  'operation',
  'agent',
  'started_at',
  'ended_at',
  'duration_ms',
  'cwd',
  'git',
  'ci',
  'identity',
  'status',
  'termination',
  'num_turns',
  'models',
  'cost_usd',
  'cost_source',
  'usage_source',
  'unknown_models',
  'tool_calls',
] as const;

/** The fields reports read (an uncached load keeps the rest of each record too). */
function reportFields(loaded: ReturnType<typeof load>) {
  return {
    warnings: loaded.warnings,
    runs: loaded.runs.map((r) => ({
      ...Object.fromEntries(REPORT_FIELDS.map((f) => [f, r[f]])),
      turns: r.turns?.map((t) => [t.start_ms, t.input, t.cache_read, t.cache_creation]),
    })),
  };
}

/** A full report (every breakdown and the cost analysis) from a load. */
function report(options: Omit<LoadOptions, 'env'>): string {
  const window = { since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-11-30T23:59:59Z') };
  const { runs, warnings } = load({ ...window, ...options, withTurns: true });
  const table = buildPriceTable(BUILTIN_PRICE_TABLE);
  return renderReport(
    buildReport(runs, { window, breakdown: [...DIMENSIONS], costAnalysis: true, table, warnings }),
    'json',
  );
}

/** Asserts cached loads equal uncached ones, for plain and turn-reading loads and a narrow window. */
function expectSameAsUncached(): void {
  const narrow = { since: new Date('2026-11-11T00:00:00Z'), until: new Date('2026-11-12T12:00:00Z') };
  for (const window of [{}, narrow]) {
    const plain = load({ ...window, cache: false });
    expect(load({ ...window, cache: true }).runs.map((r) => r.run_id)).toEqual(
      plain.runs.map((r) => r.run_id),
    );
    expect(load({ ...window, cache: true }).warnings).toEqual(plain.warnings);
    expect(reportFields(load({ ...window, withTurns: true, cache: true }))).toEqual(
      reportFields(load({ ...window, withTurns: true, cache: false })),
    );
  }
  expect(report({ cache: true })).toBe(report({ cache: false }));
}

function cached() {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    return readCache(cachePath(env(), file), file, fd, stat, () => true);
  } finally {
    fs.closeSync(fd);
  }
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'run-cache-'));
  file = path.join(home, 'ledger', 'runs-2026-11.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = all.slice(0, 200).map(lineOf);
  lines.splice(50, 0, BAD_LINE, badTurns(), '\n');
  // A torn last line: a write in progress, never cached, never warned about.
  fs.writeFileSync(file, `${lines.join('')}{"v":1,"kind":"run","run_id":"half`);
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('report summary cache', () => {
  it('a cache hit gives the same runs, warnings and report as reading every line', () => {
    const uncached = load({ withTurns: true, cache: false });
    expect(uncached.runs).toHaveLength(200);
    expect(load({ cache: false }).runs).toHaveLength(201);
    expect(uncached.warnings).toEqual([
      'runs-2026-11.jsonl:51: damaged run record skipped',
      'runs-2026-11.jsonl:52: damaged run record skipped',
    ]);
    expect(load({ cache: false }).warnings).toEqual(['runs-2026-11.jsonl:51: damaged run record skipped']);
    load({ cache: true }); // builds the cache
    const hit = cached();
    expect(hit?.runs.runs).toHaveLength(201);
    expect(hit?.offset).toBe(fs.readFileSync(file, 'utf8').lastIndexOf('\n') + 1);
    expectSameAsUncached();
    expect(load({ withTurns: true, cache: true }).runs[7]!.tool_calls).toEqual(all[7]!.tool_calls);
    // Team-mode runs keep their identity through the cache; others have no identity key at all.
    const runs = new Map(load({ cache: true }).runs.map((r) => [r.run_id, r]));
    expect(runs.get(all[5]!.run_id)!.identity).toEqual({ team: 't2', user: 'u-0', project: 'acme/api' });
    expect('identity' in runs.get(all[6]!.run_id)!).toBe(false);
    expect([...runs.values()].filter((r) => r.identity).length).toBe(50);
    expect(load({ withTurns: true, cache: true }).runs[7]!.turns?.length).toBe(all[7]!.turns.length);
  });

  it('picks up runs appended after the cache was written, and rewrites it after a large append', () => {
    load({ cache: true });
    const before = cached()!.offset;
    // Complete the torn line's place with new runs: the torn fragment becomes a damaged line.
    fs.appendFileSync(file, `\n${all.slice(200, 210).map(lineOf).join('')}`);
    const ids = load({ cache: true }).runs.map((r) => r.run_id);
    expect(ids).toContain(all[209]!.run_id);
    expect(ids).toHaveLength(211);
    expectSameAsUncached();
    expect(cached()!.offset).toBe(before); // a small tail is parsed live
    const big = all.slice(210).map(lineOf).join('');
    expect(Buffer.byteLength(big)).toBeGreaterThan(REWRITE_AFTER_BYTES);
    fs.appendFileSync(file, big);
    expect(load({ cache: true }).runs).toHaveLength(1001);
    expect(cached()!.offset).toBe(fs.statSync(file).size);
    expectSameAsUncached();
  });

  it('a truncated or rewritten ledger file invalidates the cache', () => {
    load({ cache: true });
    fs.truncateSync(file, fs.readFileSync(file, 'utf8').indexOf('\n', 5000) + 1);
    expect(load({ cache: true }).runs.length).toBeLessThan(10);
    expectSameAsUncached();
    // Rewritten in place (same inode), no shorter than the cached part: only its bytes differ.
    load({ cache: true });
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replaceAll('"agent":"', '"agent":"x-'));
    expect(load({ cache: true }).runs.every((r) => r.agent.startsWith('x-'))).toBe(true);
    expectSameAsUncached();
  });

  it('a damaged cache file is ignored and rebuilt, never a crash', () => {
    load({ cache: true });
    const cacheFile = cachePath(env(), file);
    const good = fs.readFileSync(cacheFile);
    const damages: Buffer[] = [
      Buffer.from('not a cache'),
      good.subarray(0, good.length >> 1),
      Buffer.concat([good.subarray(0, good.length - 40), Buffer.from('9'.repeat(39)), Buffer.from('\n')]),
      Buffer.from(good.toString('utf8').replace('"runs":{"n":201', '"runs":{"n":999')),
      Buffer.alloc(0),
    ];
    for (const damaged of damages) {
      fs.writeFileSync(cacheFile, damaged);
      expect(cached()).toBeUndefined();
      expectSameAsUncached();
      expect(cached()?.runs.runs).toHaveLength(201);
    }
  });
});

describe('a cache of an older format', () => {
  it('(e.g. 2, which could hold a torn line front as a run; 3, without subagents; 4, without identity) is not trusted, and is rebuilt', () => {
    load({ cache: true });
    const cacheFile = cachePath(env(), file);
    const text = fs.readFileSync(cacheFile);
    const header = text.subarray(0, text.indexOf(10)).toString('utf8');
    expect(JSON.parse(header).format).toBe(CACHE_FORMAT);
    const old = Buffer.concat([
      Buffer.from(header.replace(`"format":${CACHE_FORMAT}`, `"format":${CACHE_FORMAT - 1}`)),
      text.subarray(text.indexOf(10)),
    ]);
    fs.writeFileSync(cacheFile, old);
    expect(cached()).toBeUndefined();
    expectSameAsUncached();
    expect(cached()?.runs.runs).toHaveLength(201);
  });
});
