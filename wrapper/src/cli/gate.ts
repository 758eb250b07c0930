// `claude-otel gate`: exit 0 within budget, 1 over it; in GitHub Actions also an annotation, a
// step summary and step outputs, and with --comment the pull request's sticky cost comment.
import fs from 'node:fs';
import type { Command } from 'commander';
import { parseUsd, parseWholeNumber } from '../config/options.js';
import { ClaudeOtelError, EXIT, usageError } from '../errors.js';
import { decideGate } from '../gate/decide.js';
import { annotation, stepOutputs, stepSummary, warningAnnotation } from '../gate/github.js';
import { postPrComment } from '../gate/post-comment.js';
import { describeScope, parseScope } from '../gate/scope.js';
import { awaitRecordings } from '../hook/in-flight.js';
import { loadReportRuns } from '../ledger/load-runs.js';
import { formatUsd } from '../report/format-values.js';
import { localDateTime } from '../report/local-time.js';
import { type CliContext, warn } from './context.js';

interface GateFlags {
  maxUsd?: string;
  maxTokens?: string;
  scope?: string;
  json?: boolean;
  comment?: boolean;
}

function appendTo(file: string | undefined, text: string): void {
  if (!file) return;
  try {
    fs.appendFileSync(file, text);
  } catch (error) {
    throw new ClaudeOtelError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Longest the gate waits for the session hook's recordings in flight. */
const HOOK_WAIT_MS = 30_000;

export function registerGate(program: Command, ctx: CliContext): void {
  program
    .command('gate')
    .description('fail (exit 1) when the cost or tokens of a scope are over budget')
    .option('--max-usd <usd>', 'budget in US dollars (this and/or --max-tokens)')
    .option('--max-tokens <n>', 'budget in tokens (all types)')
    .option('--scope <scope>', 'ci-run (default in GitHub Actions) | since:<time> | swarm:<id>')
    .option('--json', 'print the decision as JSON on stdout')
    .option(
      '--comment',
      'on a pull_request event, create or update the PR cost comment (never fails the gate)',
    )
    .action(async (flags: GateFlags) => {
      if (flags.maxUsd === undefined && flags.maxTokens === undefined) {
        throw usageError(
          'gate needs a budget: --max-usd <usd>, --max-tokens <n>, or both',
          'e.g. claude-otel gate --max-usd 2',
        );
      }
      const maxUsd = flags.maxUsd === undefined ? undefined : parseUsd(flags.maxUsd, '--max-usd');
      const maxTokens =
        flags.maxTokens === undefined ? undefined : parseWholeNumber(flags.maxTokens, '--max-tokens');
      const scope = parseScope(flags.scope, ctx.env);
      // Sessions that just ended (a `claude -p` step before this one) may still be being recorded
      // by the session hook (setup --hooks): count them too.
      const left = await awaitRecordings(ctx.env, HOOK_WAIT_MS);
      const since = scope.kind === 'since' ? scope.since : undefined;
      const loaded = loadReportRuns({ since, env: ctx.env });
      // What may make the totals short (a damaged ledger line, a recording still running): on
      // stderr, in --json, and as annotations in GitHub Actions, where nobody reads stderr.
      const warnings = [
        ...(left > 0 ? [`${left} session recording(s) still running: not counted`] : []),
        ...loaded.warnings,
      ];
      for (const w of warnings) warn(ctx, `warning: ${w}`);
      const { runs } = loaded;
      const result = decideGate(runs, scope, { maxUsd, maxTokens });
      const inActions = ctx.env.GITHUB_ACTIONS === 'true';
      if (inActions)
        for (const w of warnings) ctx.stdout.write(`${warningAnnotation('claude-otel gate', w)}\n`);
      const comment = flags.comment ? await postPrComment(result, ctx.env) : undefined;
      if (comment?.note) ctx.stderr.write(`claude-otel gate: ${comment.note}\n`);
      if (comment?.posted) ctx.stderr.write(`claude-otel gate: PR comment ${comment.posted}\n`);
      if (comment?.warning) {
        // Workflow commands are read from stdout.
        if (inActions) ctx.stdout.write(`${warningAnnotation('claude-otel PR comment', comment.warning)}\n`);
        else ctx.stderr.write(`claude-otel: warning: ${comment.warning}\n`);
      }
      if (inActions) {
        const note = annotation(result);
        if (note) ctx.stdout.write(`${note}\n`);
        const extras = { prCostUsd: comment?.prCostUsd ?? null };
        appendTo(ctx.env.GITHUB_STEP_SUMMARY, stepSummary(result, extras));
        appendTo(ctx.env.GITHUB_OUTPUT, stepOutputs(result, extras));
      }
      if (flags.json) ctx.stdout.write(`${JSON.stringify({ ...result, warnings }, null, 2)}\n`);
      const t = result.totals;
      const head = result.within_budget ? 'within budget' : 'OVER BUDGET';
      ctx.stderr.write(
        `claude-otel gate: ${head}: ${describeScope(scope, localDateTime)}: ${formatUsd(t.cost_usd)}${maxUsd === undefined ? '' : ` of ${formatUsd(maxUsd)}`}, ` +
          `${t.tokens.total} tokens${maxTokens === undefined ? '' : ` of ${maxTokens}`}, ${t.runs} run(s)\n`,
      );
      ctx.exitCode = result.within_budget ? EXIT.ok : EXIT.failure;
    });
}
