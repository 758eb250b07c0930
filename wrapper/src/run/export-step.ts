// The export around a run: started as soon as Claude Code is spawned (so OpenTelemetry loads and
// the collector is probed while the run goes on), finished after the runs are in the ledger by
// sending everything pending, bounded in time. It never throws and never changes exit codes.
import type { Writable } from 'node:stream';
import { resolveExportConfig } from '../export/config.js';
import type { RunRecord } from '../ledger/schema.js';

export interface ExportStep {
  /** Starts loading the exporter and probing the collector (call it once Claude Code is spawned:
   * the first dynamic import also starts Node's ESM loader). finish() starts it if nobody did. */
  start(): void;
  /** Sends pending runs within the export bound counted from `since` (default now: pass when
   * Claude Code gave its result, so its own exporters' flush counts against the same bound);
   * returns a short note for the summary line when something stays unsent. */
  finish(records: RunRecord[], since?: number): Promise<string | undefined>;
}

/** What the export step needs from its caller (a command's context has all of it). */
export interface ExportStepContext {
  env: NodeJS.ProcessEnv;
  /** Export warnings and errors are written here, with --debug only. */
  stderr: Writable;
  debug: boolean;
}

/**
 * Of the export bound, what the export leaves for the wrapper's own exit once it gives up (the
 * summary line, closing the sockets): a tenth, at most 200 ms. Without it, a hung collector added
 * the bound plus the exit (measured up to 1.99 s of a 2 s bound).
 */
function exitReserveMs(timeoutMs: number): number {
  return Math.min(200, Math.floor(timeoutMs / 10));
}

export function beginExport(ctx: ExportStepContext): ExportStep {
  const config = resolveExportConfig(ctx.env);
  if (!config.enabled) return { start: () => {}, finish: async () => 'export off' };
  const load = () =>
    import('../export/index.js').then((m) => ({
      exportPendingWith: m.exportPendingWith,
      exporter: m.startExporter({
        endpoint: config.endpoint,
        timeoutMs: config.timeoutMs,
        env: ctx.env,
        headers: config.headers,
      }),
    }));
  let loading: ReturnType<typeof load> | undefined;
  const start = () => {
    if (!loading) {
      loading = load();
      // finish() reports a failure; this only keeps it from counting as unhandled meanwhile.
      loading.catch(() => {});
    }
    return loading;
  };
  return {
    start,
    async finish(records, since = Date.now()) {
      try {
        const deadline = Math.min(since, Date.now()) + config.timeoutMs - exitReserveMs(config.timeoutMs);
        const { exportPendingWith, exporter } = await start();
        const result = await exportPendingWith(exporter, { env: ctx.env, records, deadline });
        if (ctx.debug) {
          for (const w of result.warnings) ctx.stderr.write(`claude-otel: export: ${w}\n`);
          if (result.error) ctx.stderr.write(`claude-otel: export: ${result.error}\n`);
        }
        if (result.failed.length === 0) return undefined;
        return `${result.failed.length} run(s) not yet sent to ${config.endpoint} (kept for \`claude-otel sync\`)`;
      } catch (error) {
        if (ctx.debug) ctx.stderr.write(`claude-otel: export: ${(error as Error).message}\n`);
        return 'metrics not sent (kept for `claude-otel sync`)';
      }
    },
  };
}
