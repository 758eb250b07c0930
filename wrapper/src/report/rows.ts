// The report as plain rows of cells, shared by the table, markdown and CSV formats so that they
// always agree on what they show.
import type { BreakdownRow, Report } from './build-report.js';
import type { Dimension } from './dimensions.js';
import { formatInt, formatPct, formatUsd } from './format-values.js';
import type { Totals } from './totals.js';
import { describeWindow } from './window.js';

export interface Section {
  title: string;
  header: string[];
  rows: string[][];
  /** Index of columns to align right (numbers). */
  numeric: number[];
}

export const USAGE_HEADER = [
  'runs',
  'turns',
  'input',
  'output',
  'cache read',
  'cache write',
  'total tokens',
  'cost',
];

export function usageCells(t: Totals): string[] {
  return [
    formatInt(t.runs),
    formatInt(t.turns),
    formatInt(t.tokens.prompt),
    formatInt(t.tokens.completion),
    formatInt(t.tokens.cache_read),
    formatInt(t.tokens.cache_creation),
    formatInt(t.tokens.total),
    formatUsd(t.cost_usd),
  ];
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

export function reportSections(report: Report): Section[] {
  const sections: Section[] = [
    {
      title: `Usage ${describeWindow({ since: new Date(report.window.since), until: new Date(report.window.until) })}`,
      header: ['', ...USAGE_HEADER, 'sessions', 'errors', 'imported'],
      rows: [
        [
          'Total',
          ...usageCells(report.totals),
          formatInt(report.totals.sessions),
          formatInt(report.totals.errors),
          formatInt(report.totals.imported),
        ],
      ],
      numeric: range(1, 12),
    },
  ];
  for (const [dim, rows] of Object.entries(report.breakdowns) as [Dimension, BreakdownRow[]][]) {
    if (dim === 'subagent') {
      sections.push({
        title: 'By subagent (main: the main thread and side calls)',
        header: [dim, 'invocations', ...USAGE_HEADER],
        rows: rows.map((r) => [r.key, formatInt(r.invocations ?? 0), ...usageCells(r)]),
        numeric: range(1, 10),
      });
      continue;
    }
    sections.push({
      title: `By ${dim}`,
      header: [dim, ...USAGE_HEADER],
      rows: rows.map((r) => [r.key, ...usageCells(r)]),
      numeric: range(1, 9),
    });
  }
  const ca = report.cost_analysis;
  if (ca) {
    sections.push({
      title: 'Cost analysis',
      header: ['measure', 'value'],
      rows: [
        ['cost as cached (list prices)', formatUsd(ca.priced_cost_usd)],
        ['same tokens uncached', formatUsd(ca.uncached_cost_usd)],
        ['saved by caching', formatUsd(ca.cache_savings_usd)],
        ['  cache reads saved', formatUsd(ca.cache_read_savings_usd)],
        ['  cache writes cost extra', formatUsd(ca.cache_write_premium_usd)],
        ['cost per turn', formatUsd(ca.cost_per_turn_usd)],
        ['cost per run', formatUsd(ca.cost_per_run_usd)],
        ['models without a price', ca.unpriced_models.join(', ') || '-'],
      ],
      numeric: [1],
    });
    sections.push({
      title: 'Most expensive sessions',
      header: ['session', 'runs', 'turns', 'total tokens', 'cost', 'first run'],
      rows: ca.top_sessions.map((s) => [
        s.session,
        formatInt(s.runs),
        formatInt(s.turns),
        formatInt(s.tokens.total),
        formatUsd(s.cost_usd),
        s.first_at,
      ]),
      numeric: [1, 2, 3, 4],
    });
    sections.push({
      title: 'Most expensive tools (run cost split over its tool calls)',
      header: ['tool', 'calls', 'errors', 'time (s)', 'cost share'],
      rows: ca.top_tools.map((t) => [
        t.tool,
        formatInt(t.calls),
        formatInt(t.errors),
        (t.duration_ms / 1000).toFixed(1),
        formatUsd(t.cost_usd),
      ]),
      numeric: [1, 2, 3, 4],
    });
    const h = ca.cache_health;
    sections.push({
      title: `Cache health: ${h.healthy} healthy, ${h.warning} warning, ${h.too_small} too small (most expensive sessions)`,
      header: ['session', 'verdict', 'requests', 'hit ratio', 'after first', 'why'],
      rows: h.sessions.map((s) => [
        s.session,
        s.verdict,
        formatInt(s.requests),
        formatPct(s.hit_ratio),
        formatPct(s.steady_hit_ratio),
        s.reasons.join('; '),
      ]),
      numeric: [2, 3, 4],
    });
  }
  return sections;
}
