// The CSV format (RFC 4180): one table, one row per total or breakdown entry, plus the most
// expensive sessions and tools when the cost analysis was asked for. Raw numbers, no formatting.
import type { Report } from './build-report.js';
import { roundUsd } from './format-values.js';
import type { Totals } from './totals.js';

export const CSV_HEADER = [
  'dimension',
  'key',
  'runs',
  'turns',
  'errors',
  'imported',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'total_tokens',
  'cost_usd',
];

function cell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(dimension: string, key: string, t: Omit<Totals, 'unpriced_runs'>): string {
  return [
    dimension,
    key,
    t.runs,
    t.turns,
    t.errors,
    t.imported,
    t.tokens.prompt,
    t.tokens.completion,
    t.tokens.cache_read,
    t.tokens.cache_creation,
    t.tokens.total,
    roundUsd(t.cost_usd),
  ]
    .map(cell)
    .join(',');
}

export function formatCsv(report: Report): string {
  const lines = [CSV_HEADER.join(','), row('total', '', report.totals)];
  for (const [dim, rows] of Object.entries(report.breakdowns)) {
    for (const r of rows ?? []) lines.push(row(dim, r.key, r));
  }
  for (const s of report.cost_analysis?.top_sessions ?? []) {
    lines.push(row('top_session', s.session, { ...s, errors: 0, imported: 0 }));
  }
  for (const t of report.cost_analysis?.top_tools ?? []) {
    lines.push(
      row('top_tool', t.tool, {
        runs: 0,
        turns: t.calls,
        errors: t.errors,
        imported: 0,
        tokens: zero,
        cost_usd: t.cost_usd,
      }),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

const zero = { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, total: 0 };
