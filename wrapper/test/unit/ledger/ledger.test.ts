// The ledger: records survive a write/read round trip through the schema, damage is skipped (a
// torn last line silently, anything else with a warning), reads open only the months asked for,
// pending markers track unexported runs, and 16 processes appending at once lose nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeOtelError } from '../../../src/errors.js';
import { appendLine, appendRunRecord, ledgerWriteError, markExported } from '../../../src/ledger/append.js';
import { pendingRunIds, readLedger, readRunsById } from '../../../src/ledger/read.js';
import { runRecordSchema } from '../../../src/ledger/schema.js';
import { assertLedgerWritable, ledgerPaths, runFileName } from '../../../src/ledger/store.js';
import { sampleRecord } from './sample-record.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-ledger-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let env: NodeJS.ProcessEnv;
let n = 0;
beforeEach(() => {
  env = { CLAUDE_OTEL_HOME: path.join(root, `home-${++n}`) };
});

const runsFile = (month: string) => path.join(ledgerPaths(env).dir, `runs-${month}.jsonl`);

describe('append and read', () => {
  it('round-trips a record through the schema', () => {
    const input = sampleRecord('r1', '2026-11-05T10:00:00.000Z');
    const written = appendRunRecord(input, env);
    expect(written).toEqual(runRecordSchema.parse(input));
    for (const strict of [true, false]) {
      const { runs, warnings } = readLedger({ env, strict });
      expect(warnings).toEqual([]);
      expect(runs).toEqual([{ ...written, exported: false }]);
    }
    const text = fs.readFileSync(runsFile('2026-11'), 'utf8');
    expect(text).toBe(`${JSON.stringify(written)}\n`);
  });

  it('rejects an invalid record before writing anything, marker included', () => {
    const bad = { ...sampleRecord('bad', '2026-11-05T10:00:00.000Z'), cost_usd: -1 };
    expect(() => appendRunRecord(bad, env)).toThrow();
    expect(fs.existsSync(ledgerPaths(env).dir)).toBe(false);
  });

  it('files a record under the UTC month of its start, whatever its offset', () => {
    expect(runFileName('2026-11-30T23:30:00.000Z')).toBe('runs-2026-11.jsonl');
    expect(runFileName('2026-11-30T23:30:00-02:00')).toBe('runs-2026-12.jsonl');
    expect(runFileName('2026-12-01T00:30:00+02:00')).toBe('runs-2026-11.jsonl');
    const record = sampleRecord('tz', '2026-11-30T23:30:00-02:00');
    appendRunRecord(record, env);
    const { runs } = readLedger({ env, since: new Date('2026-12-01T00:00:00Z') });
    expect(runs.map((r) => r.run_id)).toEqual(['tz']);
  });

  it('skips a torn last line silently', () => {
    appendRunRecord(sampleRecord('a', '2026-11-01T00:00:00.000Z'), env);
    appendRunRecord(sampleRecord('b', '2026-11-02T00:00:00.000Z'), env);
    const torn = JSON.stringify(sampleRecord('c', '2026-11-03T00:00:00.000Z')).slice(0, 300);
    fs.appendFileSync(runsFile('2026-11'), torn);
    const { runs, warnings } = readLedger({ env });
    expect(runs.map((r) => r.run_id)).toEqual(['a', 'b']);
    expect(warnings).toEqual([]);
  });

  it('skips damaged middle lines with a warning naming file and line', () => {
    appendRunRecord(sampleRecord('a', '2026-11-01T00:00:00.000Z'), env);
    appendLine(runsFile('2026-11'), '{"v":1,"kind":"run","run_id":"torn-in-the-middle","started');
    appendLine(runsFile('2026-11'), JSON.stringify({ v: 1, kind: 'run', run_id: 'x', started_at: 'never' }));
    appendLine(runsFile('2026-11'), '');
    appendRunRecord(sampleRecord('b', '2026-11-02T00:00:00.000Z'), env);
    for (const strict of [true, false]) {
      const { runs, warnings } = readLedger({ env, strict });
      expect(runs.map((r) => r.run_id)).toEqual(['a', 'b']);
      expect(warnings).toEqual([
        'runs-2026-11.jsonl:2: damaged line skipped (not JSON)',
        'runs-2026-11.jsonl:3: damaged run record skipped',
      ]);
    }
  });

  it('strict reads also reject records that only look right', () => {
    const record = runRecordSchema.parse(sampleRecord('a', '2026-11-01T00:00:00.000Z'));
    appendLine(runsFile('2026-11'), JSON.stringify({ ...record, status: 'maybe' }));
    expect(readLedger({ env, strict: true }).runs).toEqual([]);
    expect(readLedger({ env, strict: true }).warnings).toEqual([
      'runs-2026-11.jsonl:1: damaged run record skipped',
    ]);
    // The fast check only looks at the fields every consumer needs.
    expect(readLedger({ env }).runs).toHaveLength(1);
  });

  it('keeps the first of two records with the same run id, sorted by start', () => {
    appendRunRecord(sampleRecord('late', '2026-11-09T00:00:00.000Z'), env);
    appendRunRecord({ ...sampleRecord('dup', '2026-11-05T00:00:00.000Z'), agent: 'first' }, env);
    appendRunRecord({ ...sampleRecord('dup', '2026-11-05T00:00:00.000Z'), agent: 'second' }, env);
    const { runs } = readLedger({ env });
    expect(runs.map((r) => [r.run_id, r.agent])).toEqual([
      ['dup', 'first'],
      ['late', 'agent-1'],
    ]);
  });

  it('reads an empty or missing ledger as no runs', () => {
    expect(readLedger({ env })).toEqual({ runs: [], warnings: [] });
    expect(pendingRunIds(env)).toEqual([]);
  });
});

describe('windows', () => {
  const starts = {
    sep: '2026-09-15T12:00:00.000Z',
    oct5: '2026-10-05T12:00:00.000Z',
    oct20: '2026-10-20T12:00:00.000Z',
    nov: '2026-11-02T00:00:00.000Z',
  };
  const ids = (o: { since?: string; until?: string }) =>
    readLedger({
      env,
      ...(o.since ? { since: new Date(o.since) } : {}),
      ...(o.until ? { until: new Date(o.until) } : {}),
    }).runs.map((r) => r.run_id);

  beforeEach(() => {
    for (const [id, at] of Object.entries(starts)) appendRunRecord(sampleRecord(id, at), env);
  });

  it('filters by since and until, inclusive, across month files', () => {
    expect(
      fs
        .readdirSync(ledgerPaths(env).dir)
        .filter((f) => f.startsWith('runs-'))
        .sort(),
    ).toEqual(['runs-2026-09.jsonl', 'runs-2026-10.jsonl', 'runs-2026-11.jsonl']);
    expect(ids({})).toEqual(['sep', 'oct5', 'oct20', 'nov']);
    expect(ids({ since: '2026-10-01T00:00:00Z' })).toEqual(['oct5', 'oct20', 'nov']);
    expect(ids({ until: '2026-10-31T23:59:59Z' })).toEqual(['sep', 'oct5', 'oct20']);
    expect(ids({ since: '2026-10-10T00:00:00Z', until: '2026-10-31T00:00:00Z' })).toEqual(['oct20']);
    expect(ids({ since: starts.oct20, until: starts.oct20 })).toEqual(['oct20']);
    expect(ids({ since: '2026-12-01T00:00:00Z' })).toEqual([]);
  });

  it('opens only the month files that overlap the window', () => {
    fs.writeFileSync(runsFile('2026-01'), 'damage that would be warned about\n');
    expect(readLedger({ env, since: new Date('2026-10-01T00:00:00Z') }).warnings).toEqual([]);
    expect(readLedger({ env }).warnings).toEqual(['runs-2026-01.jsonl:1: damaged line skipped (not JSON)']);
  });
});

describe('pending markers and export records', () => {
  it('marks every appended run pending until markExported', () => {
    const a = appendRunRecord(sampleRecord('a', '2026-10-31T23:59:59.000Z'), env);
    appendRunRecord(sampleRecord('b', '2026-11-01T00:00:00.000Z'), env);
    const dir = ledgerPaths(env).dir;
    expect(pendingRunIds(env).sort((x, y) => x.run_id.localeCompare(y.run_id))).toEqual([
      { run_id: 'a', file: path.join(dir, 'runs-2026-10.jsonl') },
      { run_id: 'b', file: path.join(dir, 'runs-2026-11.jsonl') },
    ]);
    expect(readRunsById(pendingRunIds(env).filter((p) => p.run_id === 'a'))).toEqual({
      runs: [a],
      damaged: [],
      warnings: [],
    });

    markExported(['a'], 'http://127.0.0.1:4317', env);
    expect(pendingRunIds(env).map((p) => p.run_id)).toEqual(['b']);
    const exports = fs.readFileSync(ledgerPaths(env).exports, 'utf8').trim().split('\n');
    expect(exports).toHaveLength(1);
    expect(JSON.parse(exports[0]!)).toMatchObject({
      v: 1,
      kind: 'export',
      run_id: 'a',
      state: 'sent',
      endpoint: 'http://127.0.0.1:4317',
    });
    expect(readLedger({ env }).runs.map((r) => [r.run_id, r.exported])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    markExported([], 'x', env);
    expect(fs.readFileSync(ledgerPaths(env).exports, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('ignores markers that do not name a ledger file, and hidden files', () => {
    const { pending } = ledgerPaths(env);
    fs.mkdirSync(pending, { recursive: true });
    fs.writeFileSync(path.join(pending, 'x'), '../../etc/passwd');
    fs.writeFileSync(path.join(pending, '.tmp'), 'runs-2026-11.jsonl');
    expect(pendingRunIds(env)).toEqual([]);
  });
});

describe('a failed ledger write', () => {
  it.each([
    ['ENOSPC', 'the disk is full (ENOSPC)', 'free some space'],
    ['EDQUOT', 'the disk quota is used up (EDQUOT)', 'raise the quota'],
    ['EROFS', 'the file system is read-only (EROFS)', 'CLAUDE_OTEL_HOME'],
    ['EACCES', 'permission denied (EACCES)', 'ls -l'],
    ['EPERM', 'operation not permitted (an immutable or append-only file?) (EPERM)', 'chattr -i'],
  ])('%s: one line naming the path, the cause and the fix', (code, what, fix) => {
    const raw = Object.assign(new Error(`${code}: raw message, write`), { code });
    const line = ledgerWriteError('/data/ledger/runs-2026-11.jsonl', raw).toLine();
    expect(line).toMatch(
      new RegExp(
        `^claude-otel: cannot write the ledger at /data/ledger/runs-2026-11\\.jsonl: ${what.replace(/[()?]/g, '\\$&')} \\(`,
      ),
    );
    expect(line).toContain(fix);
    expect(line).toContain('claude-otel import');
    expect(line).not.toContain('raw message');
    expect(line).not.toContain('\n');
  });

  it('leaves no pending marker when the record cannot be written', () => {
    // The month file's path taken by a directory: the append fails after the marker is written.
    fs.mkdirSync(runsFile('2026-11'), { recursive: true });
    expect(() => appendRunRecord(sampleRecord('lost', '2026-11-05T10:00:00.000Z'), env)).toThrow(
      /cannot write the ledger at .*runs-2026-11\.jsonl/,
    );
    expect(fs.readdirSync(ledgerPaths(env).pending)).toEqual([]);
  });
});

describe('assertLedgerWritable', () => {
  it('creates the ledger directories', () => {
    assertLedgerWritable(env);
    expect(fs.statSync(ledgerPaths(env).pending).isDirectory()).toBe(true);
  });

  it('fails in one line when the location is not a directory', () => {
    const file = path.join(root, `not-a-dir-${n}`);
    fs.writeFileSync(file, '');
    const bad = { CLAUDE_OTEL_HOME: file };
    expect(() => assertLedgerWritable(bad)).toThrow(ClaudeOtelError);
    try {
      assertLedgerWritable(bad);
    } catch (e) {
      expect((e as ClaudeOtelError).toLine()).toMatch(/^claude-otel: cannot write the ledger at .*not-a-dir/);
      expect((e as ClaudeOtelError).toLine()).not.toContain('\n');
    }
  });
});

describe('concurrent writers', () => {
  it('16 processes appending 50 records each at once: exactly 800 valid records, none torn or merged', async () => {
    const bundleDir = fs.mkdtempSync(path.join(root, 'worker-'));
    const worker = path.join(bundleDir, 'append-worker.mjs');
    await build({
      entryPoints: [path.join(HERE, 'append-worker.ts')],
      outfile: worker,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    const WORKERS = 16;
    const EACH = 50;
    const startAt = Date.now() + 1000;
    const exits = await Promise.all(
      Array.from(
        { length: WORKERS },
        (_, w) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, [worker, String(w), String(EACH), String(startAt)], {
              env: { ...process.env, ...env },
              stdio: ['ignore', 'ignore', 'inherit'],
            });
            child.once('close', resolve);
          }),
      ),
    );
    expect(exits).toEqual(Array(WORKERS).fill(0));

    const all = fs.readFileSync(runsFile('2026-11'), 'utf8').split('\n');
    expect(all.pop()).toBe('');
    // A writer that looks at the file's end while another's write is being copied in sees no
    // newline there and starts its record with one: an empty line (skipped by readers), never a
    // merged or lost record.
    const lines = all.filter((l) => l !== '');
    expect(lines).toHaveLength(WORKERS * EACH);
    const ids = lines.map((l) => runRecordSchema.parse(JSON.parse(l)).run_id);
    expect(new Set(ids).size).toBe(WORKERS * EACH);
    // Each writer's records are whole and in its own order.
    for (let w = 0; w < WORKERS; w++) {
      const mine = ids.filter((id) => id.startsWith(`w${w}-`));
      expect(mine).toEqual(Array.from({ length: EACH }, (_, i) => `w${w}-${i}`));
    }
    const { runs, warnings } = readLedger({ env, strict: true });
    expect(warnings).toEqual([]);
    expect(runs).toHaveLength(WORKERS * EACH);
    expect(pendingRunIds(env)).toHaveLength(WORKERS * EACH);
  }, 30_000);
});
