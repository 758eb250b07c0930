// Picks the output format for a report.
import type { Report } from './build-report.js';
import { formatCsv } from './format-csv.js';
import { formatJson } from './format-json.js';
import { formatMarkdown, formatTable } from './format-text.js';

export const FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function renderReport(report: Report, format: Format): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'csv':
      return formatCsv(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'table':
      return formatTable(report);
  }
}

export function parseFormat(text: string): Format {
  const f = (text === 'md' ? 'markdown' : text) as Format;
  if (!FORMATS.includes(f)) throw new TypeError(`unknown format '${text}' (one of ${FORMATS.join(', ')})`);
  return f;
}
