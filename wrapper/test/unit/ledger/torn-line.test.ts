// A torn last ledger line (a crash mid-append) never swallows the next run: for every cut
// position in the last record, the next append starts on a fresh line, and every ledger reader
// (show's, report's with and without its cache and turns, serve's tail, sync's, import's dedupe)
// finds the new run and reports the torn line as damaged, once, by file and line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownUsage } from '../../../src/import/import-transcripts.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { LedgerTail } from '../../../src/ledger/ledger-tail.js';
import { loadReportRuns } from '../../../src/ledger/load-runs.js';
import { pendingRunIds, readLedger, readRunsById } from '../../../src/ledger/read.js';
import { runRecordSchema } from '../../../src/ledger/schema.js';
import { ledgerPaths } from '../../../src/ledger/store.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-torn-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Real-shaped records (turns, tool spans, message ids), written in the writer's key order.
const [first, last, next] = generateRuns(3, { start: '2026-11-02T00:00:00.000Z', days: 1 }).map((r) =>
  runRecordSchema.parse(r),
);

interface Seen {
  ids: string[];
  warnings: string[];
}

/** What each reader makes of the ledger in `env`. */
function readers(env: NodeJS.ProcessEnv): Record<string, Seen> {
  const out: Record<string, Seen> = {};
  const ids = (runs: { run_id: string }[]) => runs.map((r) => r.run_id).sort();
  for (const strict of [false, true]) {
    const { runs, warnings } = readLedger({ env, strict });
    out[`readLedger strict=${strict}`] = { ids: ids(runs), warnings };
  }
  for (const withTurns of [false, true]) {
    for (const cache of [false, true, true]) {
      const { runs, warnings } = loadReportRuns({ env, withTurns, cache });
      out[`loadReportRuns turns=${withTurns} cache=${cache}`] = { ids: ids(runs), warnings };
    }
  }
  const tail = new LedgerTail(env);
  const tailed: { run_id: string }[] = [];
  const told: string[] = [];
  tail.refresh(
    (run) => tailed.push(run),
    (w) => told.push(w),
  );
  expect(told).toEqual(tail.warnings);
  out.LedgerTail = { ids: ids(tailed), warnings: tail.warnings };
  const byId = readRunsById(pendingRunIds(env));
  out.readRunsById = { ids: ids(byId.runs), warnings: byId.warnings };
  const warnings: string[] = [];
  const known = knownUsage(env, warnings);
  out.knownUsage = {
    ids: [first!, last!, next!]
      .filter((r) => r.message_ids.length > 0 && r.message_ids.every((m) => known.messageIds.has(m)))
      .map((r) => r.run_id)
      .sort(),
    warnings,
  };
  return out;
}

describe('a torn last line', () => {
  it('uses records with message ids and turns, so every reader has something to find', () => {
    for (const r of [first!, last!, next!]) {
      expect(r.message_ids.length).toBeGreaterThan(0);
      expect(r.turns.length).toBeGreaterThan(0);
    }
  });

  it('never swallows the next run, for every cut position in the last record', () => {
    const home = path.join(root, 'home');
    const env = { CLAUDE_OTEL_HOME: home };
    const file = path.join(ledgerPaths(env).dir, 'runs-2026-11.jsonl');
    appendRunRecord(first!, env);
    appendRunRecord(last!, env);
    const whole = fs.readFileSync(file);
    const lastLine = whole.indexOf(10) + 1;
    const length = whole.length - 1 - lastLine; // the last record, without its newline
    expect(length).toBeGreaterThan(1000);
    const failures: string[] = [];
    // keep: how many bytes of the last record survive the crash (its newline never does).
    const { pending } = ledgerPaths(env);
    for (let keep = 0; keep <= length; keep++) {
      // The state a crash leaves: both runs pending, the last one cut (written directly: fast).
      fs.rmSync(home, { recursive: true, force: true });
      fs.mkdirSync(pending, { recursive: true });
      for (const r of [first!, last!]) fs.writeFileSync(path.join(pending, r.run_id), 'runs-2026-11.jsonl');
      fs.writeFileSync(file, whole.subarray(0, lastLine + keep));
      appendRunRecord(next!, env);

      const intact = keep === 0 || keep === length;
      const expectedIds = (keep === length ? [first!, last!, next!] : [first!, next!])
        .map((r) => r.run_id)
        .sort();
      for (const [reader, seen] of Object.entries(readers(env))) {
        // sync reads only the records still pending: all of those that survived.
        if (JSON.stringify(seen.ids) !== JSON.stringify(expectedIds))
          failures.push(`keep ${keep}: ${reader} found ${seen.ids.join(',')}`);
        const damaged = seen.warnings.filter((w) => w.startsWith('runs-2026-11.jsonl:2: damaged'));
        if (intact ? seen.warnings.length !== 0 : seen.warnings.length !== 1 || damaged.length !== 1)
          failures.push(`keep ${keep}: ${reader} warned ${JSON.stringify(seen.warnings)}`);
      }
      if (failures.length > 20) break;
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('a line the old writer merged (torn record, then the next run on the same line) is damaged', () => {
    const home = path.join(root, 'merged');
    const env = { CLAUDE_OTEL_HOME: home };
    const file = path.join(ledgerPaths(env).dir, 'runs-2026-11.jsonl');
    const lines = [first!, last!, next!].map((r) => JSON.stringify(r));
    const failures: string[] = [];
    for (let keep = 1; keep < lines[1]!.length; keep += 37) {
      fs.rmSync(home, { recursive: true, force: true });
      fs.mkdirSync(ledgerPaths(env).pending, { recursive: true });
      fs.writeFileSync(file, `${lines[0]}\n${lines[1]!.slice(0, keep)}${lines[2]}\n`);
      for (const [reader, seen] of Object.entries(readers(env))) {
        if (reader === 'readRunsById') continue; // nothing pending
        if (JSON.stringify(seen.ids) !== JSON.stringify([first!.run_id]))
          failures.push(`keep ${keep}: ${reader} found ${seen.ids.join(',')}`);
        if (seen.warnings.length !== 1 || !seen.warnings[0]!.startsWith('runs-2026-11.jsonl:2: damaged'))
          failures.push(`keep ${keep}: ${reader} warned ${JSON.stringify(seen.warnings)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('a whole record that lost only its newline stays one record, and the next starts a line', () => {
    const env = { CLAUDE_OTEL_HOME: path.join(root, 'newline') };
    const file = path.join(ledgerPaths(env).dir, 'runs-2026-11.jsonl');
    appendRunRecord(last!, env);
    fs.truncateSync(file, fs.statSync(file).size - 1);
    appendRunRecord(next!, env);
    expect(fs.readFileSync(file, 'utf8').split('\n')).toEqual([
      JSON.stringify(last),
      JSON.stringify(next),
      '',
    ]);
  });
});
