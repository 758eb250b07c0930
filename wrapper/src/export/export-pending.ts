// Exports what the ledger holds as unsent, under the export lock, and marks what the collector
// accepted. Shared by the run core (after each run, bounded by the run's export timeout) and by
// `claude-otel sync` (longer bound, many batches). Each run is sent once: selection, sending and
// marking happen under one lock, and only runs whose pending marker still exists are sent.
import { markExported } from '../ledger/append.js';
import { pendingRunIds, readRunsById } from '../ledger/read.js';
import type { RunRecord } from '../ledger/schema.js';
import { ledgerPaths } from '../ledger/store.js';
import { resolveExportConfig } from './config.js';
import { settleUnrecorded, unrecordedPending } from './damaged-pending.js';
import { acquireExportLock } from './export-lock.js';
import { type RunExporter, startExporter } from './exporter.js';
import { overSent } from './live-delta.js';
import { liveSentFor, removeJournal } from './live-journal.js';
import { runPoints } from './metric-points.js';
import { exportQueuedPlan } from './plan-gauges.js';

export const DEFAULT_BATCH_SIZE = 200;
export const DEFAULT_SYNC_TIMEOUT_MS = 60_000;
const SYNC_BATCH_TIMEOUT_MS = 10_000;

export interface PendingExportOptions {
  env?: NodeJS.ProcessEnv;
  /** Records the caller has in hand (just written); sent first if still pending. */
  records?: RunRecord[];
  /** Absolute time (ms) by which everything, lock wait included, must be done. */
  deadline?: number;
  /** Bound for one batch; defaults to the time left. */
  batchTimeoutMs?: number;
  batchSize?: number;
}

export interface PendingExportResult {
  sent: string[];
  /** Runs still unsent after this call. */
  failed: string[];
  warnings: string[];
  error?: string;
}

// Calls within one process (a swarm's agents) queue here instead of spinning on the file lock.
let queue: Promise<unknown> = Promise.resolve();

export function exportPendingWith(
  exporter: RunExporter,
  options: PendingExportOptions = {},
): Promise<PendingExportResult> {
  const run = queue.then(() => exportPendingLocked(exporter, options));
  queue = run.catch(() => {});
  return run;
}

async function exportPendingLocked(
  exporter: RunExporter,
  options: PendingExportOptions,
): Promise<PendingExportResult> {
  const env = options.env ?? process.env;
  const deadline = options.deadline ?? Date.now() + 2000;
  const warnings: string[] = [];
  const given = options.records ?? [];
  try {
    const lock = await acquireExportLock(ledgerPaths(env).dir, deadline);
    if (!lock) {
      return {
        sent: [],
        failed: given.map((r) => r.run_id),
        warnings,
        error: 'another export holds the ledger lock',
      };
    }
    try {
      return await exportSelected(exporter, options, env, deadline, lock.refresh, warnings);
    } finally {
      lock.release();
    }
  } catch (error) {
    return {
      sent: [],
      failed: given.map((r) => r.run_id),
      warnings,
      error: `export failed: ${(error as Error).message}`,
    };
  }
}

async function exportSelected(
  exporter: RunExporter,
  options: PendingExportOptions,
  env: NodeJS.ProcessEnv,
  deadline: number,
  refresh: () => void,
  warnings: string[],
): Promise<PendingExportResult> {
  let { inHand, loaded, missing } = selectPending(env, options.records ?? []);
  // Runs whose record is damaged or lost are settled once (recovered or recorded as unrecorded,
  // with a warning each), so they never hold sync back; what recovery imported is pending now.
  const unrecorded = unrecordedPending(loaded, missing, ledgerPaths(env).pending);
  if (unrecorded.length > 0) {
    warnings.push(...(await settleUnrecorded(env, unrecorded)));
    ({ inHand, loaded, missing } = selectPending(env, options.records ?? []));
  }
  warnings.push(...loaded.warnings);
  const missingIds = missing.map((p) => p.run_id);
  if (missingIds.length > 0)
    warnings.push(
      `${missingIds.length} pending run(s) not found in the ledger yet: ${missingIds.slice(0, 5).join(', ')}`,
    );
  const older = loaded.runs.sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
  const all = [...inHand, ...older];
  // Runs exported live send only what their final figures add (their journals say what was sent).
  const live = liveSentFor(env, all);
  for (const r of all) {
    const sent = live.get(r.run_id);
    if (!sent) continue;
    const held = overSent(runPoints(r), sent);
    if (held.length > 0)
      warnings.push(
        `run ${r.run_id}: live figures above the final ones, held at what was sent: ${held.join(', ')}`,
      );
  }
  const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const sent: string[] = [];
  let error: string | undefined;
  for (let i = 0; i < all.length; i += size) {
    if (Date.now() >= deadline) {
      error = 'out of time; the rest stays pending';
      break;
    }
    const batchDeadline = Math.min(deadline, Date.now() + (options.batchTimeoutMs ?? deadline - Date.now()));
    const result = await exporter.exportRuns(all.slice(i, i + size), { deadline: batchDeadline, live });
    if (result.sent.length > 0) {
      markExported(result.sent, exporter.endpoint, env);
      for (const id of result.sent) if (live.has(id)) removeJournal(env, id);
      sent.push(...result.sent);
    }
    if (result.warning) warnings.push(result.warning);
    if (result.error) {
      error = result.error;
      break;
    }
    refresh();
  }
  // Plan readings queued by the status line ride along (under the same lock, so once); not when
  // the collector just failed: they stay queued for the next export.
  const planError =
    !error && exporter.exportPlan && (await exportQueuedPlan(exporter.exportPlan, env, deadline));
  if (planError) warnings.push(planError);
  const sentSet = new Set(sent);
  const failed = [...all.map((r) => r.run_id), ...missingIds].filter((id) => !sentSet.has(id));
  return { sent, failed, warnings, ...(error ? { error } : {}) };
}

/** The pending runs: those in hand, those loaded from the ledger, and those not found there. */
function selectPending(env: NodeJS.ProcessEnv, records: RunRecord[]) {
  const pending = pendingRunIds(env);
  const pendingIds = new Set(pending.map((p) => p.run_id));
  const inHand = records.filter((r) => pendingIds.has(r.run_id));
  const known = new Set(inHand.map((r) => r.run_id));
  const toLoad = pending.filter((p) => !known.has(p.run_id));
  const loaded = toLoad.length > 0 ? readRunsById(toLoad) : { runs: [], damaged: [], warnings: [] };
  for (const r of loaded.runs) known.add(r.run_id);
  return { inHand, loaded, missing: toLoad.filter((p) => !known.has(p.run_id)) };
}

export interface SyncOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  batchSize?: number;
}

/** `claude-otel sync`: send every unsent run, in batches, within `timeoutMs`. */
export async function syncPending(options: SyncOptions = {}): Promise<PendingExportResult> {
  const env = options.env ?? process.env;
  const config = resolveExportConfig(env);
  if (!config.enabled) {
    return {
      sent: [],
      failed: pendingRunIds(env).map((p) => p.run_id),
      warnings: [],
      error: `export is off (CLAUDE_OTEL_EXPORT=${env.CLAUDE_OTEL_EXPORT})`,
    };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  const exporter = startExporter({
    endpoint: config.endpoint,
    headers: config.headers,
    timeoutMs: SYNC_BATCH_TIMEOUT_MS,
    env,
  });
  return exportPendingWith(exporter, {
    env,
    deadline: Date.now() + timeoutMs,
    batchTimeoutMs: SYNC_BATCH_TIMEOUT_MS,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
}
