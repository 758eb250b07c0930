// The report computed from a Prometheus-compatible API (Prometheus, Thanos query) instead of the
// ledger: the same totals and breakdowns, from exact window totals of the metric contract's
// series. Pure over a query function; the HTTP side is prometheus-api.ts.
import { ClaudeOtelError } from '../errors.js';
import { PROMETHEUS_SERIES, TOKEN_TYPES } from '../export/metric-points.js';
import { type BreakdownRow, REPORT_SCHEMA_ID, type Report, sortRows } from './build-report.js';
import { type Dimension, NONE } from './dimensions.js';
import { localDate } from './local-time.js';
import { type PromQuery, type PromSample, refusalReason } from './prometheus-api.js';

export type { PromQuery, PromSample } from './prometheus-api.js';

import { type PromqlChoice, type PromqlFlavour, windowIncrease } from './promql.js';
import { type Totals, zeroTotals } from './totals.js';
import { describeWindow, type TimeWindow } from './window.js';

/** The label each dimension reads; `repository` is `project` (its default in team mode). */
const LABEL: Partial<Record<Dimension, string>> = {
  model: 'model',
  agent: 'agent',
  operation: 'operation',
  team: 'team',
  user: 'user',
  project: 'project',
  repository: 'project',
};
export const PROMETHEUS_DIMENSIONS: readonly Dimension[] = [...(Object.keys(LABEL) as Dimension[]), 'day'];
/** `--breakdown` with no value: every dimension the metrics carry (`repository` is `project`). */
export const PROMETHEUS_ALL: readonly Dimension[] = [
  'model',
  'agent',
  'operation',
  'day',
  'team',
  'user',
  'project',
];

/** What Prometheus does not hold, said once in the report's warnings. */
export const PROMETHEUS_GAPS =
  'from Prometheus: turns, sessions, imported and unpriced runs are not in the metrics (shown as 0)';

const AGENT_RUNS =
  'from Prometheus: runs per agent are not in the metrics (the run histogram has no agent label)';
const MODEL_RUNS = 'from Prometheus: a run that used several models counts under its primary model only';

interface Slice {
  atMs: number;
  rangeMs: number;
}

/** Totals per value of `label` (all runs under one key when no label) over one slice of time. */
async function totalsBy(
  query: PromQuery,
  flavour: PromqlFlavour,
  slice: Slice,
  label?: string,
): Promise<Map<string, Totals>> {
  const range = `${Math.max(1, Math.round(slice.rangeMs))}ms`;
  const by = (...labels: string[]) => {
    const all = label ? [label, ...labels] : labels;
    return all.length > 0 ? ` by (${all.join(', ')}) ` : ' ';
  };
  const inc = (metric: string) => windowIncrease(metric, range, flavour);
  const [tokens, cost, runs] = await Promise.all([
    query(`sum${by('token_type')}(${inc(PROMETHEUS_SERIES.tokens.name)})`, slice.atMs),
    query(`sum${by()}(${inc(PROMETHEUS_SERIES.cost.name)})`, slice.atMs),
    // The duration histogram counts each run once (under its primary model); it has no `agent`.
    label === 'agent'
      ? Promise.resolve([])
      : query(`sum${by('status')}(${inc(`${PROMETHEUS_SERIES.duration.name}_count`)})`, slice.atMs),
  ]);
  const out = new Map<string, Totals>();
  const row = (s: PromSample) => {
    const key = (label ? s.labels[label] : '') || (label ? NONE : '');
    let t = out.get(key);
    if (!t) {
      t = zeroTotals();
      out.set(key, t);
    }
    return t;
  };
  for (const s of tokens) {
    const type = s.labels.token_type as (typeof TOKEN_TYPES)[number];
    if (TOKEN_TYPES.includes(type)) row(s).tokens[type] += Math.round(s.value);
  }
  // Cents in Prometheus, dollars in reports.
  for (const s of cost) row(s).cost_usd += s.value / 100;
  for (const s of runs) {
    const n = Math.round(s.value);
    const t = row(s);
    t.runs += n;
    if (s.labels.status === 'error') t.errors += n;
  }
  // Keys that only ever counted zero (a series idle in the window) are not rows.
  for (const [key, t] of out) if (t.runs === 0 && t.tokens.total === 0 && t.cost_usd === 0) out.delete(key);
  return out;
}

/** Local days covering the window, each clipped to it (and to now: nothing is later). */
export function daySlices(window: TimeWindow, nowMs: number): { day: Date; slice: Slice }[] {
  const end = Math.min(window.until.getTime(), nowMs);
  const out: { day: Date; slice: Slice }[] = [];
  const s = window.since;
  for (let day = new Date(s.getFullYear(), s.getMonth(), s.getDate()); day.getTime() <= end; ) {
    const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    const from = Math.max(day.getTime(), window.since.getTime());
    const to = Math.min(next.getTime() - 1, end);
    if (to > from) out.push({ day, slice: { atMs: to, rangeMs: to - from } });
    day = next;
  }
  return out;
}

export interface PrometheusReportOptions {
  window: TimeWindow;
  breakdown: Dimension[];
  /** Where the data came from, for the no-data error. */
  url: string;
  /** The window-total form; `auto` (the default) asks `anchored` and falls back to `xincrease`. */
  promql?: PromqlChoice;
  now?: number;
}

/**
 * The whole window's totals, and the flavour the engine took. With `auto`, Prometheus answers
 * the first (anchored) request; an engine that cannot parse `anchored` (Thanos query) is asked
 * again with `xincrease`. If that is refused too, the first refusal is the one worth reporting.
 */
async function wholeTotals(
  query: PromQuery,
  choice: PromqlChoice,
  whole: Slice,
): Promise<{ flavour: PromqlFlavour; totals: Map<string, Totals> }> {
  if (choice !== 'auto') return { flavour: choice, totals: await totalsBy(query, choice, whole) };
  try {
    return { flavour: 'anchored', totals: await totalsBy(query, 'anchored', whole) };
  } catch (error) {
    if (!/anchored/i.test(refusalReason(error) ?? '')) throw error;
    try {
      return { flavour: 'xincrease', totals: await totalsBy(query, 'xincrease', whole) };
    } catch {
      throw error;
    }
  }
}

/** The report from Prometheus; throws a one-line error when the window holds no claude-otel data. */
export async function buildPrometheusReport(
  query: PromQuery,
  options: PrometheusReportOptions,
): Promise<Report> {
  const unsupported = options.breakdown.filter((d) => !PROMETHEUS_DIMENSIONS.includes(d));
  if (unsupported.length > 0) {
    throw new ClaudeOtelError(`--source prometheus cannot break down by ${unsupported.join(', ')}`, {
      exitCode: 2,
      hint: `the metrics carry ${PROMETHEUS_DIMENSIONS.join(', ')}; per-session, branch and repository detail is in the ledger`,
    });
  }
  const now = options.now ?? Date.now();
  const end = Math.min(options.window.until.getTime(), now);
  const whole: Slice = { atMs: end, rangeMs: end - options.window.since.getTime() };
  const found = await wholeTotals(query, options.promql ?? 'auto', whole);
  const flavour = found.flavour;
  const totals = found.totals.get('') ?? zeroTotals();
  if (totals.runs === 0 && totals.tokens.total === 0 && totals.cost_usd === 0) {
    throw new ClaudeOtelError(
      `no claude-otel data in Prometheus at ${options.url} for ${describeWindow(options.window)}`,
      {
        hint: 'check --since/--until, and that this Prometheus scrapes the collector (openai_tokens_total)',
      },
    );
  }
  const breakdowns: Report['breakdowns'] = {};
  for (const dim of options.breakdown) {
    if (dim === 'day') {
      const rows: BreakdownRow[] = [];
      for (const { day, slice } of daySlices(options.window, now)) {
        const t = (await totalsBy(query, flavour, slice)).get('');
        if (t) rows.push({ key: localDate(day), ...t });
      }
      breakdowns.day = rows;
      continue;
    }
    const map = await totalsBy(query, flavour, whole, LABEL[dim]);
    breakdowns[dim] = sortRows(dim, map);
  }
  return {
    schema: REPORT_SCHEMA_ID,
    window: { since: options.window.since.toISOString(), until: options.window.until.toISOString() },
    totals: { ...totals, sessions: 0 },
    breakdowns,
    unknown_models: [],
    warnings: [
      PROMETHEUS_GAPS,
      ...(options.breakdown.includes('agent') ? [AGENT_RUNS] : []),
      ...(options.breakdown.includes('model') ? [MODEL_RUNS] : []),
    ],
  };
}
