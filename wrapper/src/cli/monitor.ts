// `claude-otel monitor`: a live view of recent runs (tokens, cost, burn rate) refreshed every
// --interval from the ledger, so it works while a swarm runs elsewhere; plain lines when not a TTY.
import type { Command } from 'commander';
import { usageError } from '../errors.js';
import { renderSnapshot, snapshotLine, takeSnapshot } from '../monitor/snapshot.js';
import { loadReportRuns } from '../report/load-runs.js';
import { parseTimeBound } from '../report/window.js';
import type { CliContext } from './context.js';

export function registerMonitor(program: Command, ctx: CliContext): void {
  program
    .command('monitor')
    .description('live view of running and recent runs: tokens, cost, burn rate')
    .option('--interval <seconds>', 'refresh every N seconds', '2')
    .option('--since <time>', 'window start (today, 1h, 2026-11-20, ...)', '1h')
    .option('--once', 'print one snapshot and exit')
    .action(async (flags: { interval: string; since: string; once?: boolean }) => {
      const seconds = Number(flags.interval);
      if (!Number.isFinite(seconds) || seconds < 0.2)
        throw usageError(`--interval must be >= 0.2 seconds, got '${flags.interval}'`);
      const tty = ctx.stdout.isTTY === true;
      const draw = () => {
        const now = Date.now();
        const since = parseTimeBound(flags.since, 'start', new Date(now));
        const { runs } = loadReportRuns({ since, env: ctx.env });
        const snap = takeSnapshot(runs, now);
        // Clear and redraw on a terminal; append one line per refresh otherwise.
        ctx.stdout.write(
          tty ? `\x1b[H\x1b[2J${renderSnapshot(snap, since.toISOString())}` : snapshotLine(snap),
        );
      };
      draw();
      if (flags.once) return;
      await new Promise<void>((resolve) => {
        const timer = setInterval(draw, seconds * 1000);
        const stop = () => {
          clearInterval(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      ctx.exitCode = 0;
    });
}
