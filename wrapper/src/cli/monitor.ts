// `claude-otel monitor`: a live view of runs in progress (their running markers) and recent
// finished runs (the ledger), with the burn rate, refreshed every --interval; it works while a
// swarm runs in another terminal. Redraws on a TTY; plain key=value lines otherwise.
import type { Command } from 'commander';
import { MAX_TIMER_MS, parseDuration, parsePositiveInt } from '../config/options.js';
import { usageError } from '../errors.js';
import { loadReportRuns } from '../ledger/load-runs.js';
import { finishedLines, renderSnapshot, snapshotLine } from '../monitor/render.js';
import { takeSnapshot } from '../monitor/snapshot.js';
import { parseTimeBound } from '../report/window.js';
import { readRunningMarkers } from '../running/markers.js';
import { type CliContext, warn } from './context.js';

interface MonitorFlags {
  interval: string;
  since: string;
  once?: boolean;
  count?: string;
}

export function registerMonitor(program: Command, ctx: CliContext): void {
  program
    .command('monitor')
    .description('live view of running and recent runs: tokens, cost, burn rate')
    .option('--interval <duration>', 'refresh every N seconds (or e.g. 500ms, 1m)', '2')
    .option('--since <time>', 'window start (today, 1h, 2026-11-20, ...)', '1h')
    .option('--once', 'print one snapshot and exit')
    .option('--count <n>', 'stop after N refreshes')
    .action(async (flags: MonitorFlags) => {
      const intervalMs = parseDuration(flags.interval, '--interval', { maxMs: MAX_TIMER_MS });
      if (intervalMs < 200) throw usageError(`--interval '${flags.interval}' must be at least 200ms`);
      // Checked even with --once, which wins.
      const counted = flags.count === undefined ? undefined : parsePositiveInt(flags.count, '--count');
      const count = flags.once ? 1 : (counted ?? Number.POSITIVE_INFINITY);
      const tty = ctx.stdout.isTTY === true;
      const reported = new Set<string>();
      const warned = new Set<string>();
      const draw = () => {
        const now = Date.now();
        const since = parseTimeBound(flags.since, 'start', new Date(now));
        // Markers first: a run that ends in between is then found in the ledger, not lost.
        const markers = readRunningMarkers(ctx.env);
        const { runs, warnings } = loadReportRuns({ since, env: ctx.env, cache: true });
        // Each damaged line once, not at every refresh.
        for (const w of warnings) {
          if (warned.has(w)) continue;
          warned.add(w);
          warn(ctx, `warning: ${w}`);
        }
        const snap = takeSnapshot(runs, now, markers);
        // Clear and redraw on a terminal; append lines otherwise.
        ctx.stdout.write(
          tty
            ? `\x1b[H\x1b[2J${renderSnapshot(snap, since)}`
            : `${finishedLines(snap, reported)}${snapshotLine(snap)}`,
        );
      };
      // Output that cannot be written (the reader of a pipe gone, a full disk) ends the loop: the
      // launcher (bin/claude-otel.cjs) stays quiet on EPIPE and tells any other error in one line.
      let outputGone = false;
      let onOutputGone = () => {};
      const outputFailed = () => {
        outputGone = true;
        onOutputGone();
      };
      ctx.stdout.once('error', outputFailed);
      draw();
      let drawn = 1;
      if (drawn < count && !outputGone) {
        await new Promise<void>((resolve) => {
          const stop = () => {
            clearInterval(timer);
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          onOutputGone = stop;
          const timer = setInterval(() => {
            draw();
            if (++drawn >= count) stop();
          }, intervalMs);
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      }
      ctx.stdout.off('error', outputFailed);
      ctx.exitCode = 0;
    });
}
