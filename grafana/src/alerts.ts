// The alerts and recording rules, defined once from the config. Prometheus rules and
// Grafana-managed alert rules are both rendered from these specs, so they cannot drift.
import type { Config, Thresholds } from './config.js';
import { centsToUsd, inputTypes, selector, windowIncrease } from './promql.js';

/** How an alert's value reads in its description. */
export type ValueFormat = 'number' | 'percent' | 'usd' | 'ms';

export interface AlertSpec {
  /** CamelCase with the component prefix; also the runbook section title. */
  readonly name: string;
  readonly severity: 'warning' | 'critical';
  /** The quantity compared with the threshold (no comparison inside). */
  readonly valueExpr: string;
  readonly op: '>' | '<';
  readonly threshold: number;
  /** The override key that sets `threshold`, named in the runbook. */
  readonly thresholdKey: keyof Thresholds;
  readonly for: string;
  readonly format: ValueFormat;
  readonly summary: string;
  /** `value` is the templated current value, in the templating language of the rule's engine. */
  readonly description: (value: string) => string;
}

export interface RecordingRuleSpec {
  /** `level:metric:operations`, as in kubernetes-mixin. */
  readonly record: string;
  readonly expr: string;
}

/** The Prometheus rule expression: the value compared with its threshold. */
export function alertExpr(a: AlertSpec): string {
  return `(${a.valueExpr}) ${a.op} ${a.threshold}`;
}

/** The runbook link, added to every alert in one place. */
export function runbookUrl(cfg: Config, alertName: string): string {
  return cfg.runbookUrlPattern.replace('%s', alertName.toLowerCase());
}

function seconds(duration: string): number {
  const n = Number(duration.slice(0, -1));
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[duration.slice(-1)];
  if (!unit || !Number.isFinite(n)) throw new TypeError(`not a duration: '${duration}'`);
  return n * unit;
}

export function alertSpecs(cfg: Config): AlertSpec[] {
  const m = cfg.metrics;
  const t = cfg.thresholds;
  // Rules see every series: no dashboard variables here.
  const tokens = (extra: string[]) => selector(m.tokens, extra, []);
  const runs = (extra: string[]) => selector(`${m.duration}_count`, extra, []);
  const inc = (sel: string, range: string, by = '') => `sum${by}(${windowIncrease(sel, range)})`;
  const input = tokens([inputTypes(cfg)]);
  const read = tokens(['token_type="cache_read"']);
  const hitRatio = (range: string, offset = '') => {
    const o = offset ? ` offset ${offset}` : '';
    return `(sum(increase(${read}[${range}] anchored${o})) / sum(increase(${input}[${range}] anchored${o})))`;
  };
  const monthsOfWindow = (30 * 86400) / seconds(t.burnRateWindow);
  // A window's last reading, while the window has not reset (after a reset the reading is stale).
  const planUsed = `max by (window) (${m.planUsed}) and on (window) (max by (window) (${m.planResetsAt}) > time())`;
  const planAlert = (
    name: string,
    severity: AlertSpec['severity'],
    thresholdKey: 'planWarnPercent' | 'planCriticalPercent',
  ): AlertSpec => ({
    name,
    severity,
    valueExpr: planUsed,
    op: '>',
    threshold: t[thresholdKey],
    thresholdKey,
    for: '1m',
    format: 'number',
    summary: `A Claude plan window is over ${t[thresholdKey]}% used.`,
    description: (v) =>
      `The {{ $labels.window }} plan window is ${v}% used (limit ${t[thresholdKey]}%), as Claude Code's status line last reported it. Requests are refused at 100% until the window resets.`,
  });

  return [
    {
      name: 'ClaudeOtelHighHourlyTokenUsage',
      severity: 'warning',
      valueExpr: inc(tokens(['token_type="total"']), '1h'),
      op: '>',
      threshold: t.hourlyTokens,
      thresholdKey: 'hourlyTokens',
      for: '5m',
      format: 'number',
      summary: 'Claude Code runs used more tokens in the last hour than expected.',
      description: (v) =>
        `${v} tokens (all types) were used in the last hour, above the limit of ${t.hourlyTokens}. A runaway agent loop or a very large context is the usual cause.`,
    },
    {
      name: 'ClaudeOtelDailyCostOverBudget',
      severity: 'critical',
      valueExpr: centsToUsd(cfg, inc(m.cost, '1d')),
      op: '>',
      threshold: t.dailyBudgetUsd,
      thresholdKey: 'dailyBudgetUsd',
      for: '1m',
      format: 'usd',
      summary: 'Spend over the last 24 hours is above the daily budget.',
      description: (v) =>
        `Claude Code runs cost ${v} USD over the last 24 hours, above the daily budget of ${t.dailyBudgetUsd} USD.`,
    },
    {
      name: 'ClaudeOtelMonthlyBudgetBurnRate',
      severity: 'warning',
      valueExpr: `${centsToUsd(cfg, inc(m.cost, t.burnRateWindow))} * ${monthsOfWindow}`,
      op: '>',
      threshold: t.monthlyBudgetUsd,
      thresholdKey: 'monthlyBudgetUsd',
      for: '30m',
      format: 'usd',
      summary: 'At the current pace, spend would exceed the monthly budget.',
      description: (v) =>
        `At the pace of the last ${t.burnRateWindow}, a 30-day month would cost ${v} USD, above the monthly budget of ${t.monthlyBudgetUsd} USD.`,
    },
    {
      name: 'ClaudeOtelHighErrorRate',
      severity: 'warning',
      // Quiet until enough runs happened for a ratio to mean something.
      valueExpr: `(${inc(runs(['status="error"']), '1h')} / ${inc(runs([]), '1h')}) and on() (${inc(runs([]), '1h')} >= ${t.errorMinRuns})`,
      op: '>',
      threshold: t.errorRatio,
      thresholdKey: 'errorRatio',
      for: '10m',
      format: 'percent',
      summary: 'Many Claude Code runs are ending in errors.',
      description: (v) =>
        `${v} of the runs in the last hour ended with status="error" (limit ${t.errorRatio * 100}%, counted once at least ${t.errorMinRuns} runs finished).`,
    },
    {
      name: 'ClaudeOtelRunDurationP95High',
      severity: 'warning',
      valueExpr: `histogram_quantile(0.95, ${inc(`${m.duration}_bucket`, '1h', ' by (le) ')})`,
      op: '>',
      threshold: t.p95DurationMs,
      thresholdKey: 'p95DurationMs',
      for: '15m',
      format: 'ms',
      summary: 'Claude Code runs are taking much longer than usual.',
      description: (v) =>
        `The 95th percentile of run duration over the last hour is ${v}, above ${t.p95DurationMs} ms.`,
    },
    {
      name: 'ClaudeOtelCacheCreationHigh',
      severity: 'warning',
      valueExpr: `${inc(tokens(['token_type="cache_creation"']), '1h')} / ${inc(input, '1h')}`,
      op: '>',
      threshold: t.cacheCreationShare,
      thresholdKey: 'cacheCreationShare',
      for: t.cacheCreationFor,
      format: 'percent',
      summary: 'The prompt cache is being rebuilt instead of reused.',
      description: (v) =>
        `Cache writes were ${v} of all input tokens for ${t.cacheCreationFor} (limit ${t.cacheCreationShare * 100}%). Prompts change between requests or the cache expires before it is read.`,
    },
    {
      name: 'ClaudeOtelCacheReadsFalling',
      severity: 'warning',
      valueExpr: `${hitRatio('1h')} / ${hitRatio('1d', '1h')}`,
      op: '<',
      threshold: t.cacheReadDropFactor,
      thresholdKey: 'cacheReadDropFactor',
      for: '30m',
      format: 'percent',
      summary: 'Much less input is read from the prompt cache than over the previous day.',
      description: (v) =>
        `The last hour's cache hit ratio is ${v} of the previous day's (limit ${t.cacheReadDropFactor * 100}%). Each request now pays for more uncached input.`,
    },
    planAlert('ClaudeOtelPlanWindowHigh', 'warning', 'planWarnPercent'),
    planAlert('ClaudeOtelPlanWindowNearLimit', 'critical', 'planCriticalPercent'),
  ];
}

export function recordingRuleSpecs(cfg: Config): RecordingRuleSpec[] {
  const m = cfg.metrics;
  const input = selector(m.tokens, [inputTypes(cfg)], []);
  const read = selector(m.tokens, ['token_type="cache_read"'], []);
  const byMao = ' by (model, agent, operation) ';
  return [
    {
      record: 'model_agent_operation:openai_token_cost_usd:increase1h',
      expr: centsToUsd(cfg, `sum${byMao}(${windowIncrease(m.cost, '1h')})`),
    },
    {
      record: 'model_agent_operation:openai_token_cost_usd:increase1d',
      expr: centsToUsd(cfg, `sum${byMao}(${windowIncrease(m.cost, '1d')})`),
    },
    {
      record: 'model_agent_operation_token_type:openai_tokens:rate5m',
      expr: `sum by (model, agent, operation, token_type) (rate(${m.tokens}[5m]))`,
    },
    {
      record: 'model:openai_cache_hit_ratio:ratio_increase1h',
      expr: `sum by (model) (${windowIncrease(read, '1h')}) / sum by (model) (${windowIncrease(input, '1h')})`,
    },
  ];
}
