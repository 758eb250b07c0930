// Pending runs whose ledger record is damaged (a torn line: a crash mid-append, a cut file) or gone:
// their record can never be sent, so their markers must not hold sync back forever. Each is settled
// once, under the export lock: its usage is recovered from Claude Code's transcript of its session
// through import (which skips what the ledger accounts for already, so nothing counts twice), or,
// when that cannot be done, it is recorded in the export log as unrecorded and the user is told
// once how to recover it. Then its marker goes.
import fs from 'node:fs';
import path from 'node:path';
import { formatUsd } from '../format/usd.js';
import { appendLine, dropMarkers } from '../ledger/append.js';
import { type DamagedRun, exportedAt, type readRunsById } from '../ledger/read.js';
import { LEDGER_VERSION } from '../ledger/schema.js';
import { ledgerPaths } from '../ledger/store.js';

/** A pending marker with no line of its run this long after it was written is not an append in progress. */
export const MISSING_AFTER_MS = 10 * 60_000;

/** Pending runs with no whole record: damaged ones, and ones missing long enough to be lost. */
export function unrecordedPending(
  loaded: ReturnType<typeof readRunsById>,
  missing: { run_id: string; file: string }[],
  pendingDir: string,
  now = Date.now(),
): DamagedRun[] {
  const damaged = new Map(loaded.damaged.map((d) => [d.run_id, d]));
  const out: DamagedRun[] = [];
  for (const m of missing) {
    const d = damaged.get(m.run_id);
    if (d) {
      out.push(d);
      continue;
    }
    let mtime: number;
    try {
      mtime = fs.statSync(path.join(pendingDir, m.run_id)).mtimeMs;
    } catch {
      continue;
    }
    if (now - mtime >= MISSING_AFTER_MS) out.push({ ...m, line: '' });
  }
  return out;
}

/** Settles each run (see the top of this file); returns one warning per run. Never throws. */
export async function settleUnrecorded(env: NodeJS.ProcessEnv, runs: DamagedRun[]): Promise<string[]> {
  const warnings: string[] = [];
  const paths = ledgerPaths(env);
  for (const run of runs) {
    const what = run.line ? 'its ledger record is damaged' : 'its ledger record is missing';
    try {
      // Sent before its line was damaged (a crash between the export log and the marker's
      // removal): the collector has it; importing it again would count it twice there.
      const sent = exportedAt(run.run_id, env) !== undefined;
      const recovered = sent ? 'its metrics were sent already' : await recoverFromTranscript(env, run);
      if (recovered) {
        warnings.push(`run ${run.run_id}: ${what}; ${recovered}`);
      } else {
        const note = {
          v: LEDGER_VERSION,
          kind: 'unrecorded',
          run_id: run.run_id,
          at: new Date().toISOString(),
        };
        appendLine(paths.exports, JSON.stringify(note));
        warnings.push(`run ${run.run_id}: ${what}; recover it with \`claude-otel import\``);
      }
      dropMarkers([path.join(paths.pending, run.run_id)]);
    } catch (error) {
      // Kept pending: the next export tries again.
      warnings.push(`run ${run.run_id}: ${what}, and settling it failed: ${(error as Error).message}`);
    }
  }
  return warnings;
}

/** What became of the run's usage when its session's transcript was found, else undefined. */
async function recoverFromTranscript(env: NodeJS.ProcessEnv, run: DamagedRun): Promise<string | undefined> {
  const sessionId = stringField(run.line, 'session_id');
  if (!sessionId) return undefined;
  // Loaded only here: a torn record is rare, and import is the heavier half of the code.
  const [{ sessionTranscriptFiles }, { importTranscriptFiles }, { loadPriceTable }] = await Promise.all([
    import('../transcript/locate.js'),
    import('../import/import-transcripts.js'),
    import('../pricing/price-table.js'),
  ]);
  const files = sessionTranscriptFiles(env, sessionId, stringField(run.line, 'cwd'));
  if (files.length === 0) return undefined;
  const result = importTranscriptFiles(files, loadPriceTable(env), env);
  if (result.records > 0)
    return `recovered its usage from Claude Code's transcript (${result.records} imported record(s), ${formatUsd(result.cost_usd)})`;
  if (result.known > 0) return "its usage is in the ledger already (imported from Claude Code's transcript)";
  return undefined;
}

/** A string field of a record's JSON text, whole or torn (a field cut off is undefined). */
function stringField(line: string, name: string): string | undefined {
  const m = new RegExp(`"${name}":("(?:[^"\\\\]|\\\\.)*")`).exec(line);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]!) as string;
  } catch {
    return undefined;
  }
}
