// `claude-otel swarm "task" [more tasks] [options] [-- claude flags]`: each task runs as its own
// Claude Code agent. With one task it behaves like `claude -p "task"`: the result text on stdout
// and Claude Code's exit code as ours.
import type { Command } from 'commander';
import { parseDuration, parseLabel, parseNameList, parsePositiveInt, parseUsd } from '../config/options.js';
import { EXIT, usageError } from '../errors.js';
import { parseLiveInterval } from '../export/config.js';
import { priceTableLoader } from '../pricing/price-table-loader.js';
import { formatUsd } from '../report/format-values.js';
import { runIdentity } from '../run/context.js';
import { beginExport } from '../run/export-step.js';
import { findClaude } from '../run/find-claude.js';
import { refuseSwarmFormatFlags } from '../run/passthrough-args.js';
import { outcomeNotes, runError, summaryLine, swarmJson, totalsOf } from '../run/summary.js';
import { runSwarm, type SwarmResult } from '../run/swarm.js';
import type { CliContext } from './context.js';

interface SwarmFlags {
  parallel: string;
  agentNames?: string;
  timeout?: string;
  budgetUsd?: string;
  json?: boolean;
  quiet?: boolean;
  storePrompts?: boolean;
  claudeBin?: string;
  operation: string;
  prices?: string;
  liveInterval?: string;
}

export function registerSwarm(program: Command, ctx: CliContext): void {
  program
    .command('swarm')
    .description('run each task as its own Claude Code agent (flags after -- go to every claude)')
    .argument('<tasks...>', 'one prompt per agent')
    .option('--parallel <n>', 'agents running at once', '1')
    .option('--agent-names <names>', 'comma-separated agent names (default agent-1, agent-2, ...)')
    .option('--timeout <duration>', 'per-agent time limit, e.g. 90s, 10m')
    .option('--budget-usd <usd>', 'stop the swarm once its cost passes this many US dollars')
    .option('--json', 'print a machine-readable summary on stdout instead of the result text')
    .option('--quiet', 'no usage summary on stderr')
    .option('--store-prompts', 'keep prompts and results in the ledger and in telemetry (off by default)')
    .option('--claude-bin <path>', 'the claude binary (default: $CLAUDE_OTEL_CLAUDE_BIN, then PATH)')
    .option('--operation <name>', 'the operation label on metrics', 'swarm')
    .option(
      '--live-interval <duration>',
      "export a running run's spend at most this often (default $CLAUDE_OTEL_LIVE_INTERVAL or 5s; off: at its end only)",
    )
    .option('--prices <file>', 'a price table JSON file that overrides the built-in one')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-otel swarm "fix the failing test"\n  claude-otel swarm "task A" "task B" --parallel 2 --budget-usd 5 -- --model claude-sonnet-4-5',
    )
    .action(async (tasks: string[], flags: SwarmFlags) => {
      ctx.exitCode = await swarmCommand(tasks, flags, ctx);
    });
}

async function swarmCommand(tasks: string[], flags: SwarmFlags, ctx: CliContext): Promise<number> {
  const parallel = parsePositiveInt(flags.parallel, '--parallel');
  const names = flags.agentNames ? parseNameList(flags.agentNames, '--agent-names') : undefined;
  if (names && names.length !== tasks.length) {
    throw usageError(
      `--agent-names has ${names.length} names for ${tasks.length} tasks`,
      'give one name per task',
    );
  }
  if (tasks.some((t) => t.trim() === '')) throw usageError('a task is empty', 'give each agent a prompt');
  refuseSwarmFormatFlags(ctx.passthrough);
  parseLabel(flags.operation, '--operation');
  const timeoutMs = flags.timeout ? parseDuration(flags.timeout, '--timeout') : undefined;
  const budgetUsd = flags.budgetUsd !== undefined ? parseUsd(flags.budgetUsd, '--budget-usd') : undefined;
  const liveIntervalMs =
    flags.liveInterval !== undefined ? parseLiveInterval(flags.liveInterval, '--live-interval') : undefined;
  const table = await priceTableLoader(ctx.env, flags.prices);
  const claudeBin = findClaude(flags.claudeBin, ctx.env);
  const identity = await runIdentity(ctx.env, ctx.cwd);

  const exportStep = beginExport(ctx);
  // One agent behaves like `claude -p`: its result text goes out the moment it arrives (Claude
  // Code then still flushes its own telemetry). Several agents' results go out in task order.
  const printLive = tasks.length === 1 && !flags.json;
  let printed = false;
  const result = await runSwarm({
    tasks: tasks.map((prompt, i) => ({
      agent: names?.[i] ?? `agent-${i + 1}`,
      prompt,
      args: ['-p', prompt, '--output-format', 'stream-json', '--verbose', ...ctx.passthrough],
    })),
    parallel,
    claudeBin,
    env: ctx.env,
    cwd: ctx.cwd,
    operation: flags.operation,
    table,
    afterFirstSpawn: exportStep.start,
    storePrompts: flags.storePrompts === true,
    identity,
    stdin: 'ignore',
    handleSignals: true,
    timeoutMs,
    budgetUsd,
    ...(liveIntervalMs !== undefined ? { liveIntervalMs } : {}),
    onEvent: (_agent, event) => {
      if (!printLive || event.kind !== 'result' || event.line.result === undefined) return;
      printed = true;
      const text = event.line.result;
      ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  });
  const records = result.results.map((r) => r.record);
  // The output never waits for the export.
  if (flags.json) {
    const errors = result.results.map((r) => runError(r.outcome, r.record, flags.timeout));
    ctx.stdout.write(`${JSON.stringify(swarmJson(result.invocationId, records, errors), null, 2)}\n`);
  } else if (!printed) {
    writeResults(result, ctx);
  }
  const exportNote = await exportStep.finish(records, result.outputAt);
  if (!flags.quiet && !flags.json) ctx.stderr.write(`${summaryLine(records, exportNote)}\n`);
  for (const r of result.results) {
    for (const note of outcomeNotes(r.outcome, r.record, r.task.agent, flags.timeout))
      ctx.stderr.write(`${note}\n`);
  }
  // A run the ledger could not take still happened: say so, and keep Claude Code's exit code.
  if (result.ledgerError) ctx.stderr.write(`${result.ledgerError.toLine()}\n`);
  return swarmExitCode(result, budgetUsd, ctx);
}

function writeResults(result: SwarmResult, ctx: CliContext): void {
  const many = result.results.length > 1;
  for (const r of result.results) {
    const text = r.outcome.acc.resultText();
    if (text === undefined) continue;
    if (many) ctx.stdout.write(`=== ${r.task.agent} ===\n`);
    ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

function swarmExitCode(result: SwarmResult, budgetUsd: number | undefined, ctx: CliContext): number {
  if (result.interrupted) return result.interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  if (result.budgetExceeded) {
    const spent = totalsOf(result.results.map((r) => r.record)).cost_usd;
    const stopped = result.results.filter((r) => r.outcome.termination === 'budget').length;
    ctx.stderr.write(
      `claude-otel: budget of ${formatUsd(budgetUsd ?? 0)} exceeded: ${formatUsd(spent)} spent; ` +
        `${stopped} agent(s) stopped, ${result.skipped.length} not started\n`,
    );
    return EXIT.budget;
  }
  for (const r of result.results) if (r.record.exit_code !== 0) return r.record.exit_code ?? EXIT.failure;
  return EXIT.ok;
}
