// `claude-otel show <run-id|last>`: one run's turns, tool calls, tokens and cost per turn, timings.
import type { Command } from 'commander';
import { readLedger } from '../ledger/read.js';
import { loadPriceTable } from '../pricing/price-table.js';
import { findRun } from '../report/find-run.js';
import { formatRunDetail, turnDetails } from '../report/run-detail.js';
import { type CliContext, warn } from './context.js';

export function registerShow(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('one run in detail: turns, tool calls, tokens and cost per turn, timings')
    .argument('<run>', 'a run id (or unique prefix), or last')
    .option('--json', 'print the run record and per-turn detail as JSON')
    .action(async (ref: string, flags: { json?: boolean }) => {
      const { runs, warnings } = readLedger({ env: ctx.env });
      for (const w of warnings) warn(ctx, `warning: ${w}`);
      const run = findRun(runs, ref);
      const turns = turnDetails(run, loadPriceTable(ctx.env));
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ run, turns }, null, 2)}\n`);
      else ctx.stdout.write(formatRunDetail(run, turns));
      ctx.exitCode = 0;
    });
}
