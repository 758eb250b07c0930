// Recovery of a run whose wrapper was killed (kill -9) during its own ledger append: the month file
// holds only a torn prefix of the run's record. That prefix is not a record: the next command
// records the run once, from Claude Code's transcript, says so, and import then finds nothing new.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { runningDir } from '../../../src/config/paths.js';
import { importTranscripts } from '../../../src/import/import-transcripts.js';
import { readLedger } from '../../../src/ledger/read.js';
import { ledgerPaths } from '../../../src/ledger/store.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import type { RunningMarker } from '../../../src/running/markers.js';
import { sampleRecord } from '../ledger/sample-record.js';
import { copyRecordedProject, ONE_MESSAGE_SESSION } from '../transcript/recorded.js';

const SESSION = ONE_MESSAGE_SESSION.sessionId;
const STARTED = '2026-11-26T14:14:50.000Z';

let home: string;
let env: NodeJS.ProcessEnv;
let claudeDir: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-runs-test-'));
  claudeDir = path.join(home, 'claude');
  copyRecordedProject(claudeDir);
  env = { CLAUDE_OTEL_HOME: path.join(home, 'otel'), CLAUDE_OTEL_EXPORT: 'off', HOME: home, TZ: 'UTC' };
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(pid).toBeGreaterThan(0);
  return pid!;
}

/** What a wrapper killed mid-append leaves: its running marker, and a torn line with its run id. */
function killedMidAppend(runId: string): string {
  const marker: RunningMarker = {
    run_id: runId,
    invocation_id: `inv-${runId}`,
    operation: 'swarm',
    agent: 'a',
    pid: deadPid(),
    started_at: STARTED,
    updated_at: STARTED,
    models: [],
    turns: 0,
    tokens: { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, total: 0 },
    cost_usd_estimate: 0,
    session_id: SESSION,
    cwd: '/tmp/cc-cwd-f1AWjo',
    claude_config_dir: claudeDir,
  };
  fs.mkdirSync(runningDir(env), { recursive: true });
  fs.writeFileSync(path.join(runningDir(env), `${runId}.json`), JSON.stringify(marker));
  const { dir, pending } = ledgerPaths(env);
  const file = path.join(dir, 'runs-2026-11.jsonl');
  // An earlier run, whole; then the first 200 bytes of this run's own record, no newline.
  const earlier = JSON.stringify(sampleRecord('earlier', '2026-11-26T10:00:00.000Z'));
  const own = JSON.stringify({ ...sampleRecord(runId, STARTED), session_id: SESSION });
  const torn = own.slice(0, 200);
  expect(torn).toContain(`"run_id":"${runId}"`);
  fs.mkdirSync(pending, { recursive: true });
  fs.writeFileSync(path.join(pending, runId), 'runs-2026-11.jsonl'); // written before the append
  fs.writeFileSync(file, `${earlier}\n${torn}`);
  return file;
}

async function cli(args: string[]) {
  let stderr = '';
  const err = new PassThrough();
  err.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const out = new PassThrough();
  out.resume();
  const code = await main(args, { env, cwd: home, stdout: out, stderr: err, debug: false });
  return { code, stderr };
}

describe('a wrapper killed during its own ledger append', () => {
  it('is recorded once by the next command, from the transcript, with the recovery warning', async () => {
    killedMidAppend('killed-1');
    const first = await cli(['report', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      "claude-otel: recorded 1 run(s) whose wrapper was killed, with usage from Claude Code's transcripts (killed-1;",
    );
    const runs = readLedger({ env }).runs.filter((r) => r.run_id === 'killed-1');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.termination).toBe('recovered');
    expect(runs[0]!.session_id).toBe(SESSION);
    expect(runs[0]!.usage_source).toBe('transcript');
    expect(Object.values(runs[0]!.models).reduce((n, u) => n + u.total, 0)).toBeGreaterThan(0);
    expect(fs.readdirSync(runningDir(env))).toEqual([]);
    // Its pending marker now has its record: export will send it once.
    expect(fs.readdirSync(ledgerPaths(env).pending).sort()).toEqual(['killed-1']);

    // Nothing more on the next command, and import finds the session's usage accounted for.
    const second = await cli(['report', '--json']);
    expect(second.stderr).not.toContain('recorded');
    const table = buildPriceTable(BUILTIN_PRICE_TABLE);
    const imported = importTranscripts(path.join(claudeDir, 'projects'), table, env);
    expect(imported.messages).toBeGreaterThan(0);
    expect(imported.records).toBe(0);
    expect(
      readLedger({ env })
        .runs.map((r) => r.run_id)
        .sort(),
    ).toEqual(['earlier', 'killed-1']);
  });

  it('a run whose record is whole is not recorded again (killed after the append)', async () => {
    const file = killedMidAppend('killed-2');
    const whole = JSON.stringify({ ...sampleRecord('killed-2', STARTED), session_id: SESSION });
    fs.appendFileSync(file, `\n${whole}\n`);
    const r = await cli(['report', '--json']);
    expect(r.stderr).not.toContain('recorded');
    expect(
      readLedger({ env })
        .runs.map((x) => x.run_id)
        .sort(),
    ).toEqual(['earlier', 'killed-2']);
    expect(fs.readdirSync(runningDir(env))).toEqual([]);
  });
});
