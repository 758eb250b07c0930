// `claude-otel sync`: sends the runs the ledger holds as unsent (collector was down, export was
// off, a run was killed) to the collector, each exactly once.
import type { Command } from 'commander';
import { MAX_TIMER_MS, parseDuration } from '../config/options.js';
import { EXIT } from '../errors.js';
import { resolveExportConfig } from '../export/config.js';
import { DEFAULT_SYNC_TIMEOUT_MS, syncPending } from '../export/export-pending.js';
import type { CliContext } from './context.js';

export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('send unsent runs from the ledger to the OTLP collector (each exactly once)')
    .option(
      '--timeout <duration>',
      'give up after this long (e.g. 30s, 2m; a bare number is seconds); the rest stays unsent',
      `${DEFAULT_SYNC_TIMEOUT_MS / 1000}s`,
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: { timeout: string; json?: boolean }) => {
      // One deadline, armed whole by the export's timers.
      const timeoutMs = parseDuration(flags.timeout, '--timeout', { maxMs: MAX_TIMER_MS });
      const endpoint = resolveExportConfig(ctx.env).endpoint;
      const result = await syncPending({ env: ctx.env, timeoutMs });
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ endpoint, ...result }, null, 2)}\n`);
      for (const w of result.warnings) ctx.stderr.write(`claude-otel: warning: ${w}\n`);
      if (!flags.json) {
        ctx.stderr.write(
          `claude-otel: sent ${result.sent.length} run(s) to ${endpoint}; ${result.failed.length} still unsent\n`,
        );
      }
      if (result.error) {
        const fix = resolveExportConfig(ctx.env).enabled
          ? 'start the collector with `claude-otel stack up`, check OTEL_EXPORTER_OTLP_ENDPOINT'
          : 'unset CLAUDE_OTEL_EXPORT or set it to on';
        ctx.stderr.write(`claude-otel: ${result.error} (${fix}, then run \`claude-otel sync\` again)\n`);
        ctx.exitCode = EXIT.failure;
      } else if (result.failed.length > 0) {
        // The collector took everything it was given: what is left is not in the ledger yet.
        ctx.stderr.write(
          `claude-otel: ${result.failed.length} run(s) not sent: not in the ledger yet (see the warnings above; run \`claude-otel sync\` again in a few minutes)\n`,
        );
        ctx.exitCode = EXIT.failure;
      }
    });
}
