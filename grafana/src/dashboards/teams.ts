// "Claude OTel / Teams": team mode's spend and tokens by team, user and project (the repository
// by default) over fixed windows and over time, the top spenders, Claude Code's own sessions by
// team, and plan usage where a status line reported it. Same exact window totals as everywhere.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { barPanel, buildDashboard, seriesPanel, UNITS, variables } from '../common.js';
import type { Config } from '../config.js';
import { centsToUsd, FILTER_VARS, selector, varsFor, windowIncrease } from '../promql.js';
import { planRow } from './plan-row.js';

export const TEAMS_UID = 'claude-otel-teams';
const WHO = ['team', 'user', 'project'] as const;

export function teamsDashboard(cfg: Config): dashboard.Dashboard {
  const m = cfg.metrics;
  const tb = cfg.thresholds.teamBudgets;
  // Only series of team mode: a run without the label is not anyone's.
  const cost = (label: string) => selector(m.cost, [`${label}!=""`], varsFor(cfg, m.cost));
  const spend = (label: string, range = '$__range') =>
    centsToUsd(cfg, `sum by (${label}) (${windowIncrease(cost(label), range, cfg.promql)})`);
  const tokens = (label: string) =>
    `sum by (${label}) (${windowIncrease(selector(m.tokens, ['token_type="total"', `${label}!=""`], varsFor(cfg, m.tokens)), '$__range', cfg.promql)})`;
  const steps = (l: { warning: number; critical: number }) => [
    { value: l.warning, color: 'orange' },
    { value: l.critical, color: 'red' },
  ];

  const budgetRow = [
    barPanel({
      title: 'Team spend, last 24 hours',
      description: `Each team's spend over the last 24 hours (the daily budget's window). Orange from the warning budget (${tb.team.daily.warning} USD), red from the critical one (${tb.team.daily.critical} USD); teams with their own budget in thresholds.teamBudgets.team.overrides are alerted on theirs.`,
      unit: UNITS.usd,
      width: 12,
      height: 7,
      timeFrom: '24h',
      decimals: 2,
      thresholds: steps(tb.team.daily),
      queries: [{ expr: spend('team'), legend: '{{team}}' }],
    }),
    barPanel({
      title: 'Team spend, last 30 days',
      description: `Each team's spend over the last 30 days (the monthly budget's window): warning ${tb.team.monthly.warning} USD, critical ${tb.team.monthly.critical} USD. Needs 30 days of retention.`,
      unit: UNITS.usd,
      width: 12,
      height: 7,
      timeFrom: '30d',
      decimals: 2,
      thresholds: steps(tb.team.monthly),
      queries: [{ expr: spend('team'), legend: '{{team}}' }],
    }),
  ];

  const breakdownRow = WHO.flatMap((label) => [
    barPanel({
      title: `Cost by ${label}`,
      description: `Estimated spend per ${label} over the dashboard time range (exact window totals). ${label === 'project' ? 'The project is the repository unless CLAUDE_OTEL_PROJECT names another.' : ''} Runs without team mode are left out.`,
      unit: UNITS.usd,
      width: 8,
      height: 7,
      decimals: 2,
      queries: [{ expr: spend(label), legend: `{{${label}}}` }],
    }),
  ]);

  const overTimeRow = [
    ...WHO.map((label) =>
      seriesPanel(
        {
          title: `Spend per hour by ${label}`,
          description: `Spend rate per ${label}, in USD per hour. A band that stays high is continuous spending; compare with the budgets above.`,
          unit: UNITS.usdPerHour,
          width: 8,
          height: 8,
          queries: [
            {
              expr: centsToUsd(cfg, `sum by (${label}) (rate(${cost(label)}[$__rate_interval])) * 3600`),
              legend: `{{${label}}}`,
            },
          ],
        },
        true,
      ),
    ),
    ...WHO.map((label) =>
      barPanel({
        title: `Tokens by ${label}`,
        description: `All tokens (token_type="total": input, output, cache reads and writes) per ${label} over the time range.`,
        unit: UNITS.tokens,
        width: 8,
        height: 7,
        queries: [{ expr: tokens(label), legend: `{{${label}}}` }],
      }),
    ),
  ];

  const topRow = [
    barPanel({
      title: 'Top 10 spenders',
      description: `The ten users who spent most over the time range. A user over ${tb.user.daily.warning} USD in 24 hours triggers the per-user warning.`,
      unit: UNITS.usd,
      width: 8,
      height: 8,
      decimals: 2,
      queries: [{ expr: `topk(10, ${spend('user')})`, legend: '{{user}}' }],
    }),
    barPanel({
      title: 'Top 10 projects',
      description:
        'The ten projects (the repository unless CLAUDE_OTEL_PROJECT names another) that cost most over the time range.',
      unit: UNITS.usd,
      width: 8,
      height: 8,
      decimals: 2,
      queries: [{ expr: `topk(10, ${spend('project')})`, legend: '{{project}}' }],
    }),
    barPanel({
      title: 'Claude Code sessions by team',
      description:
        "Cost that Claude Code's own metrics report (claude_code_cost_usage_USD_total: plain `claude` sessions set up with `claude-otel setup`, and wrapped runs' Claude Code), per team.",
      unit: UNITS.usd,
      width: 8,
      height: 8,
      decimals: 2,
      queries: [
        {
          expr: `sum by (team) (${windowIncrease(selector(m.ccCost, ['team!=""'], varsFor(cfg, m.ccCost)), '$__range', cfg.promql)})`,
          legend: '{{team}}',
        },
      ],
    }),
  ];

  return buildDashboard({
    uid: TEAMS_UID,
    title: 'Claude OTel / Teams',
    description:
      'Team mode: spend and tokens by team, user and project, budgets, top spenders and plan usage, from the central Prometheus or Thanos.',
    variables: variables(cfg.datasources.prometheusUid, m.tokens, FILTER_VARS),
    timeFrom: 'now-7d',
    rows: [
      { title: 'Budgets', panels: budgetRow },
      { title: 'Who spends', panels: breakdownRow },
      { title: 'Over time', panels: overTimeRow },
      { title: 'Top spenders', panels: topRow },
      planRow(cfg),
    ],
  });
}
