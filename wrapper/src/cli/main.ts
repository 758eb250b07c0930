// The CLI entry: splits off the arguments after `--`, dispatches to one command per file, and
// turns every failure into one line on stderr and a non-zero exit (a stack only with --debug).
import { Command, CommanderError } from 'commander';
import { ClaudeOtelError, EXIT } from '../errors.js';
import { hasOrphanedMarkers } from '../running/markers.js';
import { registerCommands } from './commands.js';
import type { CliContext } from './context.js';
import { usageLine } from './usage-line.js';

export const VERSION = '0.1.0';

export async function main(argv: string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const ctx: CliContext = {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    passthrough: split === -1 ? [] : argv.slice(split + 1),
    exitCode: 0,
    debug: own.includes('--debug') || process.env.CLAUDE_OTEL_DEBUG === '1',
    ...overrides,
  };
  const program = new Command('claude-otel')
    .description(
      'Run Claude Code with OpenTelemetry: exact tokens and cost, a local ledger, metrics and traces.',
    )
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(`${usageLine(s, 'claude-otel')}\n`),
    });
  const command = own.find((a) => !a.startsWith('-'));
  await registerCommands(program, ctx, command);
  const afterCommand = command === undefined ? [] : own.slice(own.indexOf(command) + 1);
  pointUsageErrorsAtCommand(program, 'claude-otel', [...afterCommand, '--', ...ctx.passthrough]);
  if (command !== undefined) await recoverKilled(ctx);
  try {
    await program.parseAsync(own, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, ctx);
  }
}

/** A usage error inside a subcommand points at that command's help, not the top-level one. */
function pointUsageErrorsAtCommand(parent: Command, parentPath: string, args: string[]): void {
  for (const sub of parent.commands) {
    const path = `${parentPath} ${sub.name()}`;
    const own = (word: string) => {
      // Its own options and those of the commands above it (--debug).
      const options = [sub, ...ancestors(sub)].flatMap((c) => c.options);
      const option = options.find((o) => o.long === word || o.short === word);
      if (option === undefined) return undefined;
      return option.required || option.optional ? 'value' : 'flag';
    };
    sub.configureOutput({ outputError: (s, write) => write(`${usageLine(s, path, args, own)}\n`) });
    pointUsageErrorsAtCommand(sub, path, args);
  }
}

function ancestors(command: Command): Command[] {
  return command.parent ? [command.parent, ...ancestors(command.parent)] : [];
}

function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander; they already printed.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    if (error.code === 'commander.help') return EXIT.ok;
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof ClaudeOtelError) {
    ctx.stderr.write(`${error.toLine()}\n`);
    if (ctx.debug && error.stack) ctx.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr.write(`claude-otel: unexpected error: ${message} (run again with --debug and report it)\n`);
  if (ctx.debug && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}

/**
 * Runs whose wrapper was killed before recording them are recorded now, from Claude Code's
 * transcripts (see run/recover-runs.ts). Costs one readdir when there is nothing to recover.
 */
async function recoverKilled(ctx: CliContext): Promise<void> {
  if (!hasOrphanedMarkers(ctx.env)) return;
  try {
    const { recoverKilledRuns } = await import('../run/recover-runs.js');
    const recovered = recoverKilledRuns(ctx.env);
    if (recovered.length === 0) return;
    const ids = recovered.map((r) => r.run_id);
    ctx.stderr.write(
      `claude-otel: recorded ${recovered.length} run(s) whose wrapper was killed, with usage from Claude Code's transcripts (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}; see claude-otel show <run id>)\n`,
    );
  } catch (error) {
    if (ctx.debug) ctx.stderr.write(`claude-otel: recovering killed runs: ${(error as Error).message}\n`);
  }
}
