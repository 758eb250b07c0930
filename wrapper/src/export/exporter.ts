// The run exporter: created when a run starts (it begins probing the collector in the
// background), asked to export records when the run has ended.
// It never throws and never adds more than its timeout to the run, collector up, down or hung.
import type { RunRecord } from '../ledger/schema.js';
import { DEFAULT_EXPORT_TIMEOUT_MS, normalizeEndpoint } from './config.js';
import { type LiveSentByRun, sendPlanGauges, sendRecords } from './otel-send.js';
import type { PlanGauge } from './plan-gauges.js';
import { probeEndpoint } from './probe.js';

export interface ExportResult {
  /** Run ids whose metrics the collector accepted. */
  sent: string[];
  error?: string;
  /** Spans that could not be sent (metrics were): reported, not retried. */
  warning?: string;
}

export interface RunExporter {
  readonly endpoint: string;
  /** `live`: what runs exported live already sent (their final points send only the rest). */
  exportRuns(
    records: RunRecord[],
    options?: { deadline?: number; live?: LiveSentByRun },
  ): Promise<ExportResult>;
  /** Sends plan-window gauges; resolves with an error message or undefined. */
  exportPlan?(gauges: PlanGauge[], deadline: number): Promise<string | undefined>;
}

export interface ExporterOptions {
  endpoint: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  headers?: Record<string, string>;
}

export function startExporter(options: ExporterOptions): RunExporter {
  const endpoint = normalizeEndpoint(options.endpoint);
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
  const headers = options.headers ?? {};
  // Started now, awaited at export time: by the end of a run it is long done.
  const probe = probeEndpoint(endpoint, Math.min(timeoutMs, 1000)).catch((e: Error) => e.message);
  let reachable: Promise<string | undefined> = probe;
  return {
    endpoint,
    async exportRuns(records, exportOptions = {}) {
      if (records.length === 0) return { sent: [] };
      const deadline = exportOptions.deadline ?? Date.now() + timeoutMs;
      try {
        const probed = await beforeDeadline(
          reachable.then((error) => ({ error })),
          deadline,
        );
        if (!probed) return { sent: [], error: `export timed out after ${timeoutMs} ms` };
        const probeError = probed.error;
        if (probeError) {
          // The collector may come back within a long-lived process (sync, monitor): probe again next time.
          reachable = probeEndpoint(endpoint, Math.min(timeoutMs, 1000));
          return { sent: [], error: `collector unreachable: ${probeError}` };
        }
        const result = await sendRecords({ endpoint, headers }, records, deadline, exportOptions.live);
        if (result.metricsError) return { sent: [], error: `metrics export failed: ${result.metricsError}` };
        return {
          sent: records.map((r) => r.run_id),
          ...(result.spansError ? { warning: `spans export failed: ${result.spansError}` } : {}),
        };
      } catch (error) {
        return { sent: [], error: `export failed: ${(error as Error).message}` };
      }
    },
    async exportPlan(gauges, deadline) {
      try {
        const probed = await beforeDeadline(
          reachable.then((error) => ({ error })),
          deadline,
        );
        if (!probed) return 'timed out';
        if (probed.error) return `collector unreachable: ${probed.error}`;
        return await sendPlanGauges({ endpoint, headers }, gauges, deadline);
      } catch (error) {
        return (error as Error).message;
      }
    },
  };
}

/** The promise's value, or undefined when the deadline passes first. */
async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
