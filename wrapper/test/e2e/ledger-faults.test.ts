// End-to-end: the ledger under faults, with the real Claude Code CLI against the scripted
// endpoint. A torn last line (a crash mid-append) never swallows the next run and every reading
// command warns about it in one line; an immutable ledger file and a full disk (a 64 KiB tmpfs)
// leave Claude Code's exit code and --json output alone, say in one line what failed and how to
// fix it, and leave no pending marker without its record.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningDir } from '../../src/config/paths.js';
import { readLedger } from '../../src/ledger/read.js';
import { ledgerPaths, runFileName } from '../../src/ledger/store.js';
import { makeSandbox, runCli, type Sandbox, SECRET_API_KEY } from '../support/cli.js';
import { startCollector } from '../support/collector.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

let api: ScriptedApi;
const sandboxes: Sandbox[] = [];
const outputs: string[] = [];
/** Undone in afterAll, whatever failed: immutable flags, then mounts. */
const immutable: string[] = [];
const mounts: string[] = [];

function sandbox(): Sandbox {
  // Export off: these tests are about the ledger, and a failing export only adds time.
  const s = makeSandbox(api.url, { CLAUDE_OTEL_EXPORT: 'off' });
  sandboxes.push(s);
  return s;
}

async function cli(args: string[], s: Sandbox) {
  // Generous: on a loaded machine one swarm can take a minute; a hang still ends.
  const r = await runCli(args, s, 180_000);
  outputs.push(r.stdout, r.stderr);
  return r;
}

async function swarm(s: Sandbox, tag: string) {
  const r = await cli(
    [
      'swarm',
      `ledger ${tag} [[scenario:tools turns=2 tag=${tag}]]`,
      '--json',
      '--',
      '--model',
      'claude-sonnet-4-5',
    ],
    s,
  );
  let runId = '';
  let cost = Number.NaN;
  try {
    const run = (JSON.parse(r.stdout) as { runs: { run_id: string; cost_usd: number }[] }).runs[0]!;
    runId = run.run_id;
    cost = run.cost_usd;
  } catch {
    // Asserted by the callers: --json must print.
  }
  return { ...r, runId, cost };
}

const monthFile = (s: Sandbox) => path.join(ledgerPaths(s.env).dir, runFileName(new Date().toISOString()));
const lines = (text: string, part: string) => text.split('\n').filter((l) => l.includes(part));

/**
 * Pending markers: every one names a month file, and they are exactly the runs in the ledger
 * (plus a run whose append a crash cut short: its marker was written first).
 */
function expectMarkersMatchLedger(s: Sandbox, crashed: string[] = []): void {
  const { pending } = ledgerPaths(s.env);
  const markers = fs.readdirSync(pending).sort();
  for (const m of markers) expect(fs.readFileSync(path.join(pending, m), 'utf8'), m).toMatch(/^runs-/);
  expect(markers).toEqual([...readLedger({ env: s.env }).runs.map((r) => r.run_id), ...crashed].sort());
}

/** running/ once no run is going: no marker, no temp file of one (a full disk used to leave one). */
function expectNoRunningLeftovers(s: Sandbox): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(runningDir(s.env));
  } catch {
    // No running/ at all: nothing left.
  }
  expect(names).toEqual([]);
}

/** Why a fault cannot be set up here, or undefined when it can (we are root and it works). */
function unavailable(probe: () => void): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  try {
    probe();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

beforeAll(async () => {
  api = await startScriptedApi();
});

afterAll(async () => {
  for (const file of immutable) execFileSync('chattr', ['-i', file]);
  for (const dir of mounts) {
    try {
      execFileSync('umount', [dir]);
    } catch {
      execFileSync('umount', ['-l', dir]);
    }
  }
  for (const text of outputs) expect(text.includes(SECRET_API_KEY)).toBe(false);
  await api.close();
  for (const s of sandboxes) s.cleanup();
});

describe('a torn last ledger line', () => {
  it('does not swallow the next run; report, show, cost, gate and monitor find it and warn once', async () => {
    const s = sandbox();
    const first = await swarm(s, 't1');
    expect(first.code).toBe(0);
    const torn = await swarm(s, 't2');
    expect(torn.code).toBe(0);
    const file = monthFile(s);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 300); // a crash mid-append of the second record
    const next = await swarm(s, 't3');
    expect(next.code, next.stderr).toBe(0);
    expect(next.runId).not.toBe('');
    const warning = `claude-otel: warning: ${path.basename(file)}:2: damaged`;

    const report = await cli(['report', '--json'], s);
    expect(report.code, report.stderr).toBe(0);
    const totals = (JSON.parse(report.stdout) as { totals: { runs: number; cost_usd: number } }).totals;
    expect(totals.runs).toBe(2);
    // Machine-readable money is the stored value, as swarm --json printed it (not rounded).
    expect(totals.cost_usd).toBe(first.cost + next.cost);
    expect(lines(report.stderr, 'damaged')).toEqual([`${warning} run record skipped`]);

    const text = await cli(['report'], s);
    expect(lines(text.stderr, 'damaged')).toEqual([`${warning} run record skipped`]);
    expect(text.stdout).not.toContain('damaged');

    const show = await cli(['show', next.runId], s);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(next.runId);
    expect(lines(show.stderr, 'damaged')).toEqual([`${warning} line skipped (not JSON)`]);

    const cost = await cli(['cost', '--json'], s);
    expect((JSON.parse(cost.stdout) as { today: { runs: number } }).today.runs).toBe(2);
    expect(lines(cost.stderr, 'damaged')).toHaveLength(1);

    const gate = await cli(['gate', '--max-usd', '100', '--scope', 'since:today'], s);
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.stderr).toContain('2 run(s)');
    expect(lines(gate.stderr, 'damaged')).toHaveLength(1);
    // A machine reading --json, and a GitHub Actions job (where stderr goes unread), see it too.
    const gateJson = await cli(['gate', '--max-usd', '100', '--scope', 'since:today', '--json'], {
      ...s,
      env: { ...s.env, GITHUB_ACTIONS: 'true' },
    });
    expect(gateJson.code, gateJson.stderr).toBe(0);
    const annotations = gateJson.stdout
      .split('\n')
      .filter((l) => l.startsWith('::warning title=claude-otel gate::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toContain('damaged');
    const verdict = JSON.parse(gateJson.stdout.slice(gateJson.stdout.indexOf('{'))) as { warnings: string[] };
    expect(verdict.warnings).toHaveLength(1);
    expect(verdict.warnings[0]).toContain('damaged');

    const monitor = await cli(['monitor', '--once', '--since', 'today'], s);
    expect(monitor.code, monitor.stderr).toBe(0);
    expect(lines(monitor.stderr, 'damaged')).toHaveLength(1);
    expect(monitor.stdout).toContain('runs=2');

    // import's dedupe reads the ledger too; it brings the torn run back from its transcript.
    const imported = await cli(['import', '--from', path.join(s.home, '.claude', 'projects'), '--json'], s);
    expect(imported.code, imported.stderr).toBe(0);
    expect(lines(imported.stderr, 'damaged')).toHaveLength(1);
    expect((JSON.parse(imported.stdout) as { records: number }).records).toBe(1);
    expectMarkersMatchLedger(s, [torn.runId]);

    // sync against a healthy collector: the torn run's marker is settled once (import already
    // accounted for its usage), everything else is sent, and no stale marker holds the next sync.
    const collector = await startCollector();
    try {
      const { CLAUDE_OTEL_EXPORT: _off, ...exportOn } = s.env;
      const online = { ...s, env: { ...exportOn, OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint } };
      const sync = await cli(['sync', '--json'], online);
      expect(sync.code, sync.stderr).toBe(0);
      const result = JSON.parse(sync.stdout) as { sent: string[]; failed: string[] };
      expect(result.sent).toHaveLength(3); // t1, t3 and the record import restored t2 as
      expect(result.sent).not.toContain(torn.runId);
      expect(result.failed).toEqual([]);
      expect(lines(sync.stderr, torn.runId)).toEqual([
        `claude-otel: warning: run ${torn.runId}: its ledger record is damaged; its usage is in the ledger already (imported from Claude Code's transcript)`,
      ]);
      expect(fs.readdirSync(ledgerPaths(s.env).pending)).toEqual([]);
      const again = await cli(['sync'], online);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr.trim()).toBe(
        `claude-otel: sent 0 run(s) to ${collector.grpcEndpoint}; 0 still unsent`,
      );
    } finally {
      await collector.close();
    }
  }, 600_000);
});

describe('a ledger write that fails', () => {
  it('an immutable ledger file: exit code and --json pass through, one line names the file and the fix', async (ctx) => {
    const s = sandbox();
    expect((await swarm(s, 'i1')).code).toBe(0);
    const file = monthFile(s);
    const why = unavailable(() => execFileSync('chattr', ['+i', file], { stdio: 'pipe' }));
    if (why) ctx.skip(`chattr +i is not available here: ${why}`);
    immutable.push(file);
    const before = fs.readFileSync(file, 'utf8');

    const r = await swarm(s, 'i2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.runId).not.toBe('');
    const errors = lines(r.stderr, 'cannot write the ledger');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(file);
    expect(errors[0]).toContain('(EPERM)');
    expect(errors[0]).toContain('chattr -i');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expectMarkersMatchLedger(s);
  }, 400_000);

  // Two shapes of a full disk: everything on it (the run's pending marker cannot be written), and
  // only the month files on it (the marker is written; the disk takes what fits in the month
  // file's last page and refuses the rest: a short write that leaves a torn line).
  it.for<{ on: string; cutShort: boolean }>([
    { on: 'CLAUDE_OTEL_HOME', cutShort: false },
    { on: 'the ledger directory, markers elsewhere', cutShort: true },
  ])(
    'a full disk ($on): exit code and --json pass through, one line says the disk is full, no marker left',
    { timeout: 400_000 },
    async ({ cutShort }, ctx) => {
      const s = sandbox();
      const { dir, pending } = ledgerPaths(s.env);
      const mountAt = cutShort ? dir : s.otelHome;
      fs.mkdirSync(mountAt, { recursive: true });
      const why = unavailable(() =>
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountAt], { stdio: 'pipe' }),
      );
      if (why) ctx.skip(`mount -t tmpfs is not available here: ${why}`);
      mounts.push(mountAt);
      if (cutShort) {
        fs.mkdirSync(path.join(s.otelHome, 'pending-elsewhere'));
        fs.symlinkSync(path.join(s.otelHome, 'pending-elsewhere'), pending);
      }
      expect((await swarm(s, 'f1')).code).toBe(0);
      const file = monthFile(s);
      const filler = path.join(mountAt, 'filler');
      const fd = fs.openSync(filler, 'w');
      try {
        const chunk = Buffer.alloc(1024, 120);
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }

      const sizeBefore = fs.statSync(file).size;
      const r = await swarm(s, 'f2');
      expect(fs.statSync(file).size > sizeBefore).toBe(cutShort);
      expect(r.code, r.stderr).toBe(0);
      expect(r.runId).not.toBe('');
      const errors = lines(r.stderr, 'cannot write the ledger');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/the disk is full \(ENOSPC\)/);
      expect(errors[0]).toContain(cutShort ? file : pending);
      expect(errors[0]).toContain('free some space');
      expect(r.stderr).not.toMatch(/^\s+at |Error: ENOSPC/m);
      expectMarkersMatchLedger(s);
      expect(readLedger({ env: s.env }).runs.map((x) => x.run_id)).not.toContain(r.runId);
      expectNoRunningLeftovers(s);

      // Space again: the next run is recorded whole, after the torn line the failed write left.
      fs.rmSync(filler);
      const again = await swarm(s, 'f3');
      expect(again.code, again.stderr).toBe(0);
      expect(lines(again.stderr, 'cannot write')).toEqual([]);
      const after = readLedger({ env: s.env });
      expect(after.warnings).toEqual(
        cutShort ? [`${path.basename(file)}:2: damaged line skipped (not JSON)`] : [],
      );
      const ids = after.runs.map((x) => x.run_id);
      expect(ids).toContain(again.runId);
      expect(ids).toHaveLength(2);
      expectMarkersMatchLedger(s);
      expectNoRunningLeftovers(s);
    },
  );
});
