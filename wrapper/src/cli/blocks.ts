// `claude-otel blocks`: the 5-hour plan windows in the ledger, with runs, tokens, cost, burn rate
// and, for the active one, a projection to its end.
import type { Command } from 'commander';
import { buildBlocks } from '../blocks/build-blocks.js';
import { blocksJson, blocksText } from '../blocks/format-blocks.js';
import { loadBlockInput } from '../blocks/ledger-input.js';
import { resolveWindow } from '../report/window.js';
import type { CliContext } from './context.js';

export function registerBlocks(program: Command, ctx: CliContext): void {
  program
    .command('blocks')
    .description('5-hour plan windows from the ledger: runs, tokens, cost, burn rate, projection')
    .option('--since <time>', 'start: today, yesterday, 7d, 24h, 2026-11-20 or an ISO time', '7d')
    .option('--until <time>', 'end (default: end of today)')
    .option('--json', 'print { "blocks": [...] } as JSON on stdout')
    .action((flags: { since: string; until?: string; json?: boolean }) => {
      const window = resolveWindow({ since: flags.since, ...(flags.until ? { until: flags.until } : {}) });
      const { runs, resetsAt, warnings } = loadBlockInput(window, ctx.env);
      for (const w of warnings) ctx.stderr.write(`claude-otel: warning: ${w}\n`);
      const blocks = buildBlocks(runs, { resetsAt, now: Date.now() });
      ctx.stdout.write(flags.json ? blocksJson(blocks) : blocksText(blocks));
    });
}
