// "Claude OTel / Cost and tokens": spend over fixed windows, burn rate and month-end projection,
// cost and tokens broken down by model, agent and operation, runs, errors and run duration.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { barPanel, buildDashboard, seriesPanel, statPanel, UNITS, variables } from '../common.js';
import type { Config } from '../config.js';
import { centsToUsd, selector, varsFor, windowIncrease } from '../promql.js';

export const COST_TOKENS_UID = 'claude-otel-cost-tokens';

export function costTokensDashboard(cfg: Config): dashboard.Dashboard {
  const m = cfg.metrics;
  const t = cfg.thresholds;
  const cost = selector(m.cost, [], varsFor(cfg, m.cost));
  const tokens = (extra: string[]) => selector(m.tokens, extra, varsFor(cfg, m.tokens));
  const runs = (extra: string[]) => selector(`${m.duration}_count`, extra, varsFor(cfg, m.duration));
  const buckets = selector(`${m.duration}_bucket`, [], varsFor(cfg, m.duration));
  const spend = (by = '') => centsToUsd(cfg, `sum${by}(${windowIncrease(cost, '$__range', cfg.promql)})`);
  const budgetSteps = (budget: number) => [
    { value: budget * 0.8, color: 'orange' },
    { value: budget, color: 'red' },
  ];
  // Month-to-date spend plus the last 7 days' pace for the seconds left in the (UTC) month.
  const secondsLeftInMonth = '((days_in_month() - day_of_month()) * 86400 + 86400 - time() % 86400)';
  const projected = centsToUsd(
    cfg,
    `(sum(${windowIncrease(cost, '$__range', cfg.promql)}) + sum(${windowIncrease(cost, '7d', cfg.promql)}) / (7 * 86400) * ${secondsLeftInMonth})`,
  );

  const spendRow = [
    statPanel({
      title: 'Spend today',
      description: `Estimated spend since midnight (dashboard time zone), from openai_token_cost_total (US cents, shown in USD). Turns orange at 80% and red at 100% of the daily budget (${t.dailyBudgetUsd} USD).`,
      unit: UNITS.usd,
      width: 4,
      timeFrom: 'now/d',
      decimals: 2,
      thresholds: budgetSteps(t.dailyBudgetUsd),
      queries: [{ expr: spend(), legend: 'today' }],
    }),
    statPanel({
      title: 'Spend, last 7 days',
      description: `Estimated spend over the last 7 days, whatever range the dashboard shows. Exact totals: ${windowIncrease('...', 'w', cfg.promql)} counts every run once.`,
      unit: UNITS.usd,
      width: 4,
      timeFrom: '7d',
      decimals: 2,
      queries: [{ expr: spend(), legend: '7 days' }],
    }),
    statPanel({
      title: 'Spend, last 30 days',
      description:
        'Estimated spend over the last 30 days. Needs Prometheus retention of at least 30 days (the compose stack keeps 90).',
      unit: UNITS.usd,
      width: 4,
      timeFrom: '30d',
      decimals: 2,
      thresholds: budgetSteps(t.monthlyBudgetUsd),
      queries: [{ expr: spend(), legend: '30 days' }],
    }),
    statPanel({
      title: 'Burn rate',
      description:
        'Average spend per hour over the dashboard time range. Compare with the daily budget divided by your working hours; a rising value means more or larger runs.',
      unit: UNITS.usdPerHour,
      width: 4,
      decimals: 2,
      queries: [{ expr: `${spend()} / ($__range_s / 3600)`, legend: 'USD per hour' }],
    }),
    statPanel({
      title: 'Projected month-end spend',
      description: `Month-to-date spend plus the last 7 days' average pace for the rest of the calendar month (UTC). Orange at 80% and red at 100% of the monthly budget (${t.monthlyBudgetUsd} USD).`,
      unit: UNITS.usd,
      width: 8,
      timeFrom: 'now/M',
      decimals: 2,
      thresholds: budgetSteps(t.monthlyBudgetUsd),
      queries: [{ expr: projected, legend: 'projected' }],
    }),
  ];

  const breakdownRow = [
    ...(['model', 'agent', 'operation'] as const).map((label) =>
      barPanel({
        title: `Cost by ${label}`,
        description: `Estimated spend per ${label} over the dashboard time range. The longest bar is where money goes; a run that used two models counts under both.`,
        unit: UNITS.usd,
        width: 8,
        height: 7,
        decimals: 2,
        queries: [{ expr: spend(` by (${label}) `), legend: `{{${label}}}` }],
      }),
    ),
    seriesPanel(
      {
        title: 'Spend per hour by model',
        description:
          'Spend rate per model, in USD per hour, over time. Steps show runs finishing; a plateau that stays high means continuous spending.',
        unit: UNITS.usdPerHour,
        width: 24,
        height: 8,
        queries: [
          {
            expr: centsToUsd(cfg, `sum by (model) (rate(${cost}[$__rate_interval])) * 3600`),
            legend: '{{model}}',
          },
        ],
      },
      true,
    ),
  ];

  const tokensRow = [
    seriesPanel(
      {
        title: 'Tokens by type over time',
        description:
          'Tokens per minute by type: prompt (uncached input), completion (output), cache_read and cache_creation. Healthy Claude Code traffic is mostly cache_read; a growing prompt or cache_creation band costs more.',
        unit: UNITS.tokensPerMin,
        width: 16,
        height: 8,
        queries: [
          {
            expr: `sum by (token_type) (rate(${tokens(['token_type!="total"'])}[$__rate_interval])) * 60`,
            legend: '{{token_type}}',
          },
        ],
      },
      true,
    ),
    barPanel({
      title: 'Tokens by type',
      description:
        'Token totals by type over the dashboard time range (token_type="total" is their sum and is left out).',
      unit: UNITS.tokens,
      width: 8,
      height: 8,
      queries: [
        {
          expr: `sum by (token_type) (${windowIncrease(tokens(['token_type!="total"']), '$__range', cfg.promql)})`,
          legend: '{{token_type}}',
        },
      ],
    }),
    seriesPanel({
      title: 'Tokens by model over time',
      description: 'All tokens (token_type="total") per minute by model. Shows which model carries the load.',
      unit: UNITS.tokensPerMin,
      width: 24,
      height: 7,
      queries: [
        {
          expr: `sum by (model) (rate(${tokens(['token_type="total"'])}[$__rate_interval])) * 60`,
          legend: '{{model}}',
        },
      ],
    }),
  ];

  // No error series at all means a 0% error rate, not "no data".
  const errorsOverRuns = (range: string) =>
    `(sum(${windowIncrease(runs(['status="error"']), range, cfg.promql)}) or vector(0)) / sum(${windowIncrease(runs([]), range, cfg.promql)})`;
  const quantile = (q: number, window: string, anchored: boolean) =>
    `histogram_quantile(${q}, sum by (le) (${anchored ? windowIncrease(buckets, window, cfg.promql) : `rate(${buckets}[${window}])`}))`;

  const runsRow = [
    statPanel({
      title: 'Runs',
      description:
        'Claude Code runs finished in the time range (count of openai_request_duration_ms observations). A run that used two models counts once per model.',
      unit: UNITS.count,
      width: 4,
      decimals: 0,
      queries: [{ expr: `sum(${windowIncrease(runs([]), '$__range', cfg.promql)})`, legend: 'runs' }],
    }),
    statPanel({
      title: 'Error rate',
      description: `Share of runs that ended with status="error" in the time range. Red from ${t.errorRatio * 100}% (the ClaudeOtelHighErrorRate threshold); check API keys, rate limits and max-turns.`,
      unit: UNITS.ratio,
      width: 4,
      decimals: 1,
      thresholds: [
        { value: t.errorRatio / 2, color: 'orange' },
        { value: t.errorRatio, color: 'red' },
      ],
      queries: [{ expr: errorsOverRuns('$__range'), legend: 'error rate' }],
    }),
    statPanel({
      title: 'p95 run duration',
      description: `95th percentile of a run's wall time over the time range, estimated from histogram buckets. Red from ${t.p95DurationMs} ms (the ClaudeOtelRunDurationP95High threshold).`,
      unit: UNITS.ms,
      width: 4,
      thresholds: [{ value: t.p95DurationMs, color: 'red' }],
      queries: [{ expr: quantile(0.95, '$__range', true), legend: 'p95' }],
    }),
    seriesPanel({
      title: 'Runs per hour by status',
      description:
        'Finished runs per hour, split into success and error. Errors rising while successes fall usually means an API or credential problem.',
      unit: UNITS.perHour,
      width: 12,
      height: 6,
      queries: [
        {
          expr: `sum by (status) (rate(${runs([])}[$__rate_interval])) * 3600`,
          legend: '{{status}}',
        },
      ],
    }),
    seriesPanel({
      title: 'Run duration p50 / p95',
      description: `Median and 95th percentile of run wall time over time. A p95 far above p50 means a few long runs; the dashed line is the alert threshold (${t.p95DurationMs} ms).`,
      unit: UNITS.ms,
      width: 24,
      height: 7,
      thresholds: [{ value: t.p95DurationMs, color: 'red' }],
      queries: [
        { expr: quantile(0.5, '$__rate_interval', false), legend: 'p50' },
        { expr: quantile(0.95, '$__rate_interval', false), legend: 'p95' },
      ],
    }),
  ];

  return buildDashboard({
    uid: COST_TOKENS_UID,
    title: 'Claude OTel / Cost and tokens',
    description: 'Spend, burn rate, tokens, runs and errors of Claude Code runs made through claude-otel.',
    variables: variables(cfg.datasources.prometheusUid, m.tokens, ['model', 'agent', 'operation']),
    timeFrom: 'now-24h',
    rows: [
      { title: 'Spend', panels: spendRow },
      { title: 'Where the money goes', panels: breakdownRow },
      { title: 'Tokens', panels: tokensRow },
      { title: 'Runs, errors and duration', panels: runsRow },
    ],
  });
}
