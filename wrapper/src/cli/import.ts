// `claude-otel import`: brings Claude Code's own session transcripts into the ledger, once.
import path from 'node:path';
import type { Command } from 'commander';
import { claudeConfigDir } from '../config/paths.js';
import { importTranscripts } from '../import/import-transcripts.js';
import { loadPriceTable } from '../pricing/price-table.js';
import { formatUsd } from '../report/format-values.js';
import { identityResolver } from '../run/context.js';
import type { CliContext } from './context.js';

export function defaultTranscriptDir(env: NodeJS.ProcessEnv): string {
  return path.join(claudeConfigDir(env), 'projects');
}

export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description("import Claude Code's session transcripts (interactive and past usage) into the ledger")
    .option(
      '--from <dir>',
      'transcript directory (default: ~/.claude/projects, or $CLAUDE_CONFIG_DIR/projects)',
    )
    .option('--dry-run', 'count what would be imported, write nothing')
    .option('--json', 'print the result as JSON on stdout')
    .option('--prices <file>', 'a price table file overriding the built-in prices')
    .action(async (flags: { from?: string; dryRun?: boolean; json?: boolean; prices?: string }) => {
      const from = flags.from ? path.resolve(ctx.cwd, flags.from) : defaultTranscriptDir(ctx.env);
      const table = loadPriceTable(ctx.env, flags.prices);
      const identity = identityResolver(ctx.env);
      identity(ctx.cwd); // a bad team-mode value is refused before anything is read
      const result = importTranscripts(from, table, ctx.env, { dryRun: flags.dryRun === true, identity });
      if (flags.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const verb = flags.dryRun ? 'would import' : 'imported';
      ctx.stderr.write(
        `claude-otel import: ${verb} ${result.records} record(s) from ${result.files} file(s): ` +
          `${result.messages - result.known} new message(s), ${result.known} already in the ledger, ` +
          `${result.tokens} tokens, ${formatUsd(result.cost_usd)} at list prices\n`,
      );
      if (result.unknown_models.length > 0) {
        ctx.stderr.write(
          `claude-otel: warning: no price for ${result.unknown_models.join(', ')}: cost not counted\n`,
        );
      }
      for (const w of result.warnings) ctx.stderr.write(`claude-otel: warning: ${w}\n`);
      if (result.damaged_lines > 0)
        ctx.stderr.write(`claude-otel: warning: ${result.damaged_lines} damaged line(s) skipped\n`);
      if (result.untyped_lines > 0) {
        ctx.stderr.write(
          `claude-otel: warning: ${result.untyped_lines} line(s) without a "type" skipped (not Claude Code transcript lines)\n`,
        );
      }
      ctx.exitCode = 0;
    });
}
