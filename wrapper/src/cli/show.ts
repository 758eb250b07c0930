// `claude-otel show <run-id|last>`: one run's turns, tool calls, tokens and cost per turn, timings.
import type { Command } from 'commander';
import { ClaudeOtelError, EXIT } from '../errors.js';
import { readLedger } from '../ledger/read.js';
import type { RunRecord } from '../ledger/schema.js';
import { loadPriceTable } from '../pricing/price-table.js';
import { formatRunDetail, turnDetails } from '../report/run-detail.js';
import type { CliContext } from './context.js';

/** Finds a run by id, unique id prefix, or `last`. */
export function findRun(runs: RunRecord[], ref: string): RunRecord {
  if (ref === 'last') {
    const last = runs[runs.length - 1];
    if (last) return last;
    throw new ClaudeOtelError('the ledger has no runs yet', {
      hint: 'run claude-otel run or swarm first',
      exitCode: EXIT.failure,
    });
  }
  const exact = runs.find((r) => r.run_id === ref);
  if (exact) return exact;
  const matches = runs.filter((r) => r.run_id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  throw new ClaudeOtelError(
    matches.length === 0 ? `no run '${ref}' in the ledger` : `'${ref}' matches ${matches.length} runs`,
    { hint: 'use a full run id from claude-otel report --breakdown session, or last', exitCode: EXIT.usage },
  );
}

export function registerShow(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('one run in detail: turns, tool calls, tokens and cost per turn, timings')
    .argument('<run>', 'a run id (or unique prefix), or last')
    .option('--json', 'print the run record and per-turn detail as JSON')
    .action(async (ref: string, flags: { json?: boolean }) => {
      const { runs } = readLedger({ env: ctx.env });
      const run = findRun(runs, ref);
      const turns = turnDetails(run, loadPriceTable(ctx.env));
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ run, turns }, null, 2)}\n`);
      else ctx.stdout.write(formatRunDetail(run, turns));
      ctx.exitCode = 0;
    });
}
