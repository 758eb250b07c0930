// "Claude OTel / Claude Code activity": Claude Code's own claude_code_* metrics (sessions, active
// time, code changes, commits, pull requests, cost and tokens). They carry `model` on cost and
// tokens only, and no agent or operation, so this dashboard filters by model alone.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { barPanel, buildDashboard, seriesPanel, statPanel, UNITS, variables } from '../common.js';
import type { Config } from '../config.js';
import { selector, varsFor, windowIncrease } from '../promql.js';
import { planRow } from './plan-row.js';

export const CLAUDE_CODE_UID = 'claude-otel-claude-code';

export function claudeCodeDashboard(cfg: Config): dashboard.Dashboard {
  const m = cfg.metrics;
  const sel = (metric: string, extra: string[] = []) => selector(metric, extra, varsFor(cfg, metric));
  const total = (metric: string, extra: string[] = [], by = '') =>
    `sum${by}(${windowIncrease(sel(metric, extra), '$__range', cfg.promql)})`;
  const perHour = (metric: string, by: string) => `sum${by}(rate(${sel(metric)}[$__rate_interval])) * 3600`;
  const count = (title: string, metric: string, extra: string[], description: string) =>
    statPanel({
      title,
      description,
      unit: UNITS.count,
      width: 4,
      decimals: 0,
      queries: [{ expr: total(metric, extra), legend: title.toLowerCase() }],
    });

  const activity = [
    count(
      'Sessions',
      m.ccSessions,
      [],
      'Claude Code sessions started in the time range (claude_code_session_count_total). Each claude-otel run is one session.',
    ),
    statPanel({
      title: 'Active time',
      description:
        'Time Claude Code was actively working or being interacted with (claude_code_active_time_seconds_total), not wall time. Compare with run duration on the cost dashboard.',
      unit: UNITS.seconds,
      width: 4,
      queries: [{ expr: total(m.ccActiveTime), legend: 'active time' }],
    }),
    count(
      'Lines added',
      m.ccLines,
      ['type="added"'],
      'Lines of code Claude Code added in the time range (claude_code_lines_of_code_count_total, type="added").',
    ),
    count(
      'Lines removed',
      m.ccLines,
      ['type="removed"'],
      'Lines of code Claude Code removed in the time range (type="removed"). Many removals with few additions often means refactoring or cleanup.',
    ),
    count(
      'Commits',
      m.ccCommits,
      [],
      'Git commits Claude Code created in the time range (claude_code_commit_count_total). Zero is normal for read-only or review tasks.',
    ),
    count(
      'Pull requests',
      m.ccPullRequests,
      [],
      'Pull requests Claude Code created in the time range (claude_code_pull_request_count_total).',
    ),
  ];

  const costTokens = [
    statPanel({
      title: 'Cost (Claude Code)',
      description:
        "Claude Code's own cost estimate in the time range (claude_code_cost_usage_USD_total), in USD. It should agree with the cost dashboard's spend for the same runs.",
      unit: UNITS.usd,
      width: 6,
      decimals: 2,
      queries: [{ expr: total(m.ccCost), legend: 'cost' }],
    }),
    barPanel({
      title: 'Cost by model (Claude Code)',
      description:
        'Cost per model in the time range, as Claude Code reports it. Side calls to small models (e.g. Haiku for titles) show up here too.',
      unit: UNITS.usd,
      width: 9,
      decimals: 2,
      queries: [{ expr: total(m.ccCost, [], ' by (model) '), legend: '{{model}}' }],
    }),
    barPanel({
      title: 'Tokens by type (Claude Code)',
      description:
        'Tokens in the time range by type: input (uncached), output, cacheRead and cacheCreation. cacheRead should dominate in long sessions.',
      unit: UNITS.tokens,
      width: 9,
      queries: [{ expr: total(m.ccTokens, [], ' by (type) '), legend: '{{type}}' }],
    }),
    seriesPanel(
      {
        title: 'Tokens by type over time (Claude Code)',
        description:
          'Tokens per minute by type, as Claude Code reports them. Compare the cacheRead band with input and cacheCreation: the bigger the cacheRead share, the cheaper each turn.',
        unit: UNITS.tokensPerMin,
        width: 12,
        height: 8,
        queries: [
          { expr: `sum by (type) (rate(${sel(m.ccTokens)}[$__rate_interval])) * 60`, legend: '{{type}}' },
        ],
      },
      true,
    ),
    seriesPanel(
      {
        title: 'Cost per hour by model (Claude Code)',
        description:
          'Claude Code cost rate per model, in USD per hour. A model whose band keeps growing is where to look for savings (a smaller model, shorter context).',
        unit: UNITS.usdPerHour,
        width: 12,
        height: 8,
        queries: [{ expr: perHour(m.ccCost, ' by (model) '), legend: '{{model}}' }],
      },
      true,
    ),
    barPanel({
      title: 'Tokens by model (Claude Code)',
      description:
        'All token types together per model in the time range, as Claude Code counts them. Compare with the cost bars: cheap models can carry many tokens.',
      unit: UNITS.tokens,
      width: 24,
      height: 5,
      queries: [{ expr: total(m.ccTokens, [], ' by (model) '), legend: '{{model}}' }],
    }),
  ];

  const overTime = [
    seriesPanel({
      title: 'Lines of code per hour',
      description:
        'Lines added and removed per hour. Bursts line up with sessions that edit code; a flat zero with sessions running means read-only work.',
      unit: UNITS.perHour,
      width: 12,
      height: 7,
      queries: [{ expr: perHour(m.ccLines, ' by (type) '), legend: '{{type}}' }],
    }),
    seriesPanel({
      title: 'Sessions, commits and pull requests per hour',
      description: 'Sessions started, commits and pull requests created, per hour.',
      unit: UNITS.perHour,
      width: 12,
      height: 7,
      queries: [
        { expr: perHour(m.ccSessions, ''), legend: 'sessions' },
        { expr: perHour(m.ccCommits, ''), legend: 'commits' },
        { expr: perHour(m.ccPullRequests, ''), legend: 'pull requests' },
      ],
    }),
  ];

  return buildDashboard({
    uid: CLAUDE_CODE_UID,
    title: 'Claude OTel / Claude Code activity',
    description:
      "Claude Code's own telemetry: sessions, active time, code changes, commits, pull requests, cost and tokens; and plan windows as claude-otel's status line saw them.",
    variables: variables(cfg.datasources.prometheusUid, m.ccTokens, ['model']),
    timeFrom: 'now-7d',
    rows: [
      { title: 'Activity', panels: activity },
      { title: 'Cost and tokens', panels: costTokens },
      { title: 'Over time', panels: overTime },
      planRow(cfg),
    ],
  });
}
