// A pending run whose ledger record is torn (a crash mid-append, a cut file) never holds export
// back: it is settled once, its usage recovered from Claude Code's transcript through import (or,
// when that cannot be, recorded as unrecorded with the import hint), never counted twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportPendingWith } from '../../../src/export/export-pending.js';
import type { RunExporter } from '../../../src/export/exporter.js';
import { importTranscripts } from '../../../src/import/import-transcripts.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { readLedger } from '../../../src/ledger/read.js';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { ledgerPaths } from '../../../src/ledger/store.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { sampleRecord } from '../ledger/sample-record.js';
import { copyRecordedProject, ONE_MESSAGE_SESSION } from '../transcript/recorded.js';

const SESSION = ONE_MESSAGE_SESSION.sessionId;

let home: string;
let env: NodeJS.ProcessEnv;
let claudeDir: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'damaged-pending-test-'));
  claudeDir = path.join(home, 'claude');
  copyRecordedProject(claudeDir);
  env = { CLAUDE_OTEL_HOME: path.join(home, 'otel'), CLAUDE_CONFIG_DIR: claudeDir, HOME: home };
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

/** A collector that takes everything; what it was sent, run by run. */
function collector(): RunExporter & { got: RunRecord[] } {
  const got: RunRecord[] = [];
  return {
    endpoint: 'http://collector.test:4317',
    got,
    async exportRuns(records) {
      got.push(...records);
      return { sent: records.map((r) => r.run_id) };
    },
  };
}

/** Two swarms, the second record torn by cutting 300 bytes off the file, then a third swarm. */
function tornSecondRecord(): void {
  appendRunRecord(sampleRecord('first', '2026-11-26T14:00:00.000Z'), env);
  appendRunRecord(
    { ...sampleRecord('torn', '2026-11-26T14:14:50.000Z'), session_id: SESSION, cwd: '/tmp/cc-cwd-f1AWjo' },
    env,
  );
  const file = path.join(ledgerPaths(env).dir, 'runs-2026-11.jsonl');
  fs.truncateSync(file, fs.statSync(file).size - 300);
  appendRunRecord(sampleRecord('third', '2026-11-26T14:30:00.000Z'), env);
}

const importAll = () =>
  importTranscripts(path.join(claudeDir, 'projects'), buildPriceTable(BUILTIN_PRICE_TABLE), env);
const pending = () => fs.readdirSync(ledgerPaths(env).pending).sort();
const sync = (c: RunExporter) => exportPendingWith(c, { env, deadline: Date.now() + 20_000 });

describe('a pending run whose ledger record is torn', () => {
  it('is recovered from its transcript once, sent, and the next sync is clean', async () => {
    tornSecondRecord();
    const c = collector();
    const first = await sync(c);
    expect(first.error).toBeUndefined();
    expect(first.failed).toEqual([]);
    const notes = first.warnings.filter((w) => w.startsWith('run torn:'));
    expect(notes).toEqual([
      expect.stringMatching(
        /^run torn: its ledger record is damaged; recovered its usage from Claude Code's transcript \(1 imported record\(s\), \$/,
      ),
    ]);
    const imported = readLedger({ env }).runs.filter((r) => r.session_id === SESSION);
    expect(imported).toHaveLength(1);
    expect(c.got.map((r) => r.run_id).sort()).toEqual(['first', 'third', imported[0]!.run_id].sort());
    expect(pending()).toEqual([]);

    const second = await sync(c);
    expect(second).toEqual({ sent: [], failed: [], warnings: [] });
    expect(c.got).toHaveLength(3);
    expect(importAll().records).toBe(0);
  });

  it('after import recovered it: the marker goes, nothing is imported or sent twice', async () => {
    tornSecondRecord();
    expect(importAll().records).toBe(1);
    const c = collector();
    const first = await sync(c);
    expect(first.failed).toEqual([]);
    expect(first.warnings.filter((w) => w.startsWith('run torn:'))).toEqual([
      "run torn: its ledger record is damaged; its usage is in the ledger already (imported from Claude Code's transcript)",
    ]);
    expect(c.got).toHaveLength(3);
    expect(readLedger({ env }).runs.filter((r) => r.session_id === SESSION)).toHaveLength(1);
    expect(pending()).toEqual([]);
    expect(await sync(c)).toEqual({ sent: [], failed: [], warnings: [] });
  });

  it('without its transcript: recorded as unrecorded, the import hint once, then import restores it', async () => {
    tornSecondRecord();
    fs.rmSync(claudeDir, { recursive: true });
    const c = collector();
    const first = await sync(c);
    expect(first.failed).toEqual([]);
    expect(first.warnings.filter((w) => w.startsWith('run torn:'))).toEqual([
      'run torn: its ledger record is damaged; recover it with `claude-otel import`',
    ]);
    const log = fs.readFileSync(ledgerPaths(env).exports, 'utf8');
    expect(log).toMatch(/"kind":"unrecorded","run_id":"torn"/);
    expect(pending()).toEqual([]);
    expect(await sync(c)).toEqual({ sent: [], failed: [], warnings: [] });

    copyRecordedProject(claudeDir);
    expect(importAll().records).toBe(1);
    const after = await sync(c);
    expect(after.sent).toHaveLength(1);
    expect(c.got).toHaveLength(3);
  });
});
