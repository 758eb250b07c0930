// `claude-otel report` (alias `token-usage`): totals for a window, breakdowns, cost analysis.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ClaudeOtelError, usageError } from '../errors.js';
import { loadReportRuns } from '../ledger/load-runs.js';
import { loadPriceTable } from '../pricing/price-table.js';
import { buildReport } from '../report/build-report.js';
import { parseDimensions } from '../report/dimensions.js';
import { parsePrometheusUrl, prometheusQuery } from '../report/prometheus-api.js';
import { buildPrometheusReport, PROMETHEUS_ALL } from '../report/prometheus-report.js';
import { parsePromqlChoice } from '../report/promql.js';
import { parseFormat, renderReport } from '../report/render.js';
import { resolveWindow } from '../report/window.js';
import { type CliContext, warn } from './context.js';

interface ReportFlags {
  since?: string;
  until?: string;
  breakdown?: string | boolean;
  costAnalysis?: boolean;
  format: string;
  json?: boolean;
  output?: string;
  prices?: string;
  source: string;
  url?: string;
  promql?: string;
}

/** Runs a TypeError-throwing parser and turns its complaint into a usage error. */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TypeError) throw usageError(error.message);
    throw error;
  }
}

export function writeOutput(ctx: CliContext, text: string, output: string | undefined): void {
  if (!output) {
    ctx.stdout.write(text);
    return;
  }
  const file = path.resolve(ctx.cwd, output);
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new ClaudeOtelError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
  ctx.stderr.write(`claude-otel: report written to ${file}\n`);
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .alias('token-usage')
    .description('token and cost totals for a time window, with breakdowns and a cost analysis')
    .option('--since <time>', 'start: today, yesterday, 7d, 24h, 2026-11-20 or an ISO time', 'today')
    .option('--until <time>', 'end (default: end of today)')
    .option(
      '--breakdown [dims]',
      'break down by model,agent,subagent,operation,day,session,repository,branch,team,user,project (comma-separated; no value: all)',
    )
    .option(
      '--cost-analysis',
      'caching savings, uncached cost, cost per turn, top sessions and tools, cache health',
    )
    .option('--format <format>', 'table | json | csv | markdown', 'table')
    .option('--json', 'same as --format json')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--prices <file>', 'a price table file overriding the built-in prices')
    .option(
      '--source <source>',
      'ledger (this machine) | prometheus (a Prometheus or Thanos query API, with --url)',
      'ledger',
    )
    .option(
      '--url <url>',
      'with --source prometheus: the API base URL, e.g. http://localhost:9090 (default: CLAUDE_OTEL_PROMETHEUS_URL)',
    )
    .option(
      '--promql <form>',
      'with --source prometheus: exact window totals as anchored (Prometheus 3) | xincrease (Thanos query) | auto (try anchored, then xincrease)',
    )
    .action(async (flags: ReportFlags) => {
      const format = flags.json ? 'json' : asUsage(() => parseFormat(flags.format));
      const all = flags.breakdown === true || flags.breakdown === 'all';
      const breakdown =
        flags.source === 'prometheus' && all
          ? [...PROMETHEUS_ALL]
          : asUsage(() => parseDimensions(flags.breakdown));
      const window = resolveWindow({ since: flags.since, ...(flags.until ? { until: flags.until } : {}) });
      if (flags.source !== 'ledger' && flags.source !== 'prometheus') {
        throw usageError(`unknown --source '${flags.source}'`, 'use ledger or prometheus');
      }
      if (flags.source === 'prometheus') {
        if (flags.costAnalysis) {
          throw usageError(
            '--cost-analysis needs the ledger',
            'drop --source prometheus, or --cost-analysis',
          );
        }
        const url = parsePrometheusUrl(flags.url, ctx.env);
        const promql = asUsage(() => parsePromqlChoice(flags.promql));
        const report = await buildPrometheusReport(prometheusQuery(url), {
          window,
          breakdown,
          promql,
          url: url.toString().replace(/\/+$/, ''),
        });
        for (const w of report.warnings) warn(ctx, `note: ${w}`);
        writeOutput(ctx, renderReport(report, format), flags.output);
        ctx.exitCode = 0;
        return;
      }
      if (flags.url) throw usageError('--url is for --source prometheus');
      if (flags.promql) throw usageError('--promql is for --source prometheus');
      const table = loadPriceTable(ctx.env, flags.prices);
      const costAnalysis = flags.costAnalysis === true;
      const { runs, warnings } = loadReportRuns({
        ...window,
        env: ctx.env,
        withTurns: costAnalysis,
        cache: true,
      });
      for (const w of warnings) warn(ctx, `warning: ${w}`);
      const report = buildReport(runs, { window, breakdown, costAnalysis, table, warnings });
      writeOutput(ctx, renderReport(report, format), flags.output);
      ctx.exitCode = 0;
    });
}
