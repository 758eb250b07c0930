// `claude-otel run -- <claude args>`: a transparent passthrough. With -p it records usage and
// re-renders the output format the user chose; without -p it hands the terminal to Claude Code
// untouched (telemetry env set) and records the session's duration and exit code.
import type { Command } from 'commander';
import { parseDuration, parseLabel } from '../config/options.js';
import { EXIT } from '../errors.js';
import { parseLiveInterval } from '../export/config.js';
import { priceTableLoader } from '../pricing/price-table-loader.js';
import { runIdentity } from '../run/context.js';
import { beginExport } from '../run/export-step.js';
import { findClaude } from '../run/find-claude.js';
import { runInteractive } from '../run/interactive.js';
import { planPassthrough } from '../run/passthrough-args.js';
import { outcomeNotes, summaryLine } from '../run/summary.js';
import { runSwarm } from '../run/swarm.js';
import type { CliContext } from './context.js';

interface RunFlags {
  quiet?: boolean;
  storePrompts?: boolean;
  claudeBin?: string;
  operation: string;
  agent: string;
  timeout?: string;
  prices?: string;
  liveInterval?: string;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .alias('passthrough')
    .description('run claude with your own arguments (after --), recording its usage')
    .option('--quiet', 'no usage summary on stderr')
    .option('--store-prompts', 'keep the prompt and result in the ledger and telemetry')
    .option('--claude-bin <path>', 'the claude binary (default: $CLAUDE_OTEL_CLAUDE_BIN, then PATH)')
    .option('--operation <name>', 'the operation label on metrics', 'run')
    .option('--agent <name>', 'the agent label on metrics', 'main')
    .option('--timeout <duration>', 'time limit for a -p run, e.g. 10m')
    .option(
      '--live-interval <duration>',
      "export a running run's spend at most this often (default $CLAUDE_OTEL_LIVE_INTERVAL or 5s; off: at its end only)",
    )
    .option('--prices <file>', 'a price table JSON file that overrides the built-in one')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-otel run -- -p "explain this repo" --output-format json\n  claude-otel run -- --model claude-opus-4-6',
    )
    .action(async (flags: RunFlags) => {
      ctx.exitCode = await runCommand(flags, ctx);
    });
}

async function runCommand(flags: RunFlags, ctx: CliContext): Promise<number> {
  parseLabel(flags.agent, '--agent');
  parseLabel(flags.operation, '--operation');
  const liveIntervalMs =
    flags.liveInterval !== undefined ? parseLiveInterval(flags.liveInterval, '--live-interval') : undefined;
  const claudeBin = findClaude(flags.claudeBin, ctx.env);
  const identity = await runIdentity(ctx.env, ctx.cwd);
  const plan = planPassthrough(ctx.passthrough);
  const table = await priceTableLoader(ctx.env, flags.prices);
  const exportStep = beginExport(ctx);
  if (!plan.print) {
    const code = await runInteractive({
      claudeBin,
      args: plan.args,
      env: ctx.env,
      cwd: ctx.cwd,
      operation: flags.operation,
      agent: flags.agent,
      storePrompts: flags.storePrompts === true,
      identity,
      table,
      afterSpawn: exportStep.start,
      onLedgerError: (error) => ctx.stderr.write(`${error.toLine()}\n`),
    });
    await exportStep.finish([]);
    return code;
  }
  const timeoutMs = flags.timeout ? parseDuration(flags.timeout, '--timeout') : undefined;
  const result = await runSwarm({
    tasks: [{ agent: flags.agent, args: plan.args, prompt: plan.prompt }],
    parallel: 1,
    claudeBin,
    env: ctx.env,
    cwd: ctx.cwd,
    operation: flags.operation,
    table,
    afterFirstSpawn: exportStep.start,
    storePrompts: flags.storePrompts === true,
    identity,
    stdin: 'inherit',
    handleSignals: true,
    timeoutMs,
    ...(liveIntervalMs !== undefined ? { liveIntervalMs } : {}),
    onEvent: (_agent, event, raw) => {
      if (plan.format === 'stream-json') ctx.stdout.write(`${raw}\n`);
      else if (plan.format === 'json' && event.kind === 'result') ctx.stdout.write(`${raw.trim()}\n`);
      else if (plan.format === 'text' && event.kind === 'result' && event.line.result !== undefined) {
        const text = event.line.result;
        ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    },
  });
  const run = result.results[0];
  const records = result.results.map((r) => r.record);
  const exportNote = await exportStep.finish(records, result.outputAt);
  if (!flags.quiet && plan.format === 'text') ctx.stderr.write(`${summaryLine(records, exportNote)}\n`);
  if (result.ledgerError) ctx.stderr.write(`${result.ledgerError.toLine()}\n`);
  if (result.interrupted) return result.interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  if (run)
    for (const note of outcomeNotes(run.outcome, run.record, undefined, flags.timeout))
      ctx.stderr.write(`${note}\n`);
  // A ledger failure is reported above; Claude Code's own exit code passes through.
  return run?.record.exit_code ?? EXIT.failure;
}
