// The shape of `claude-otel report --json` as the report-source tests read it, and the projections
// they compare a Prometheus (or Thanos) report with the ledger's by: costs rounded past float noise,
// rows keyed by their key.
import type { CliResult } from './cli.js';

export interface ReportRow {
  key: string;
  runs: number;
  errors: number;
  tokens: Record<string, number>;
  cost_usd: number;
}

export interface JsonReport {
  totals: ReportRow;
  breakdowns: Record<string, ReportRow[]>;
  warnings: string[];
}

export const round = (n: number): number => Number(n.toFixed(9));
/** Tokens and cost (runs per model and agent are not in the metrics). */
export const usage = (r: ReportRow) => ({ tokens: r.tokens, cost_usd: round(r.cost_usd) });
export const counted = (r: ReportRow) => ({ runs: r.runs, errors: r.errors, ...usage(r) });
/** A breakdown's rows as { key: f(row) }. */
export const byKey = (rows: ReportRow[] | undefined, f: (r: ReportRow) => unknown) =>
  Object.fromEntries((rows ?? []).map((r) => [r.key, f(r)]));

/** stderr's lines without the `claude-otel: note:` ones: a failure must print exactly one. */
export const errorLines = (r: Pick<CliResult, 'stderr'>): string[] =>
  r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('claude-otel: note:'));
