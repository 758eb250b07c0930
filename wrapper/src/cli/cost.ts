// `claude-otel cost [session]`: the cost of the last (or a named) session, and of today.
import type { Command } from 'commander';
import { ClaudeOtelError, EXIT } from '../errors.js';
import { loadReportRuns } from '../ledger/load-runs.js';
import { summarizeCost } from '../report/cost-summary.js';
import { formatInt, formatUsd } from '../report/format-values.js';
import type { Totals } from '../report/totals.js';
import { resolveWindow } from '../report/window.js';
import { type CliContext, warn } from './context.js';

const line = (label: string, t: Totals) =>
  `${label}: ${formatUsd(t.cost_usd)}  (${formatInt(t.runs)} run(s), ${formatInt(t.turns)} turns, ${formatInt(t.tokens.total)} tokens)\n`;

export function registerCost(program: Command, ctx: CliContext): void {
  program
    .command('cost')
    .description('cost of the last (or a named) session, and of today')
    .argument('[session]', 'a session id or a unique prefix of one (default: the last run’s session)')
    .option('--json', 'print as JSON')
    .action(async (session: string | undefined, flags: { json?: boolean }) => {
      const today = resolveWindow({});
      // The session may have started before today; a month back covers any realistic session.
      const since = new Date(today.since.getTime() - 31 * 86_400_000);
      const { runs, warnings } = loadReportRuns({ since, env: ctx.env });
      for (const w of warnings) warn(ctx, `warning: ${w}`);
      const summary = summarizeCost(runs, today, session);
      if (session !== undefined && summary.session?.totals.runs === 0) {
        throw new ClaudeOtelError(`no runs of session '${summary.session.id}' in the last 31 days`, {
          hint: 'list them with claude-otel report --since 31d --breakdown session',
          exitCode: EXIT.usage,
        });
      }
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        if (summary.session) ctx.stdout.write(line(`session ${summary.session.id}`, summary.session.totals));
        ctx.stdout.write(line('today', summary.today));
      }
      ctx.exitCode = 0;
    });
}
