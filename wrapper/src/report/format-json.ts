// The --json / --format json report: the Report object as documented by docs/report.schema.json,
// with money rounded to micro-dollars.
import type { Report } from './build-report.js';
import { roundUsd } from './format-values.js';

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, (key, value) => (typeof value === 'number' && key.endsWith('_usd') ? roundUsd(value) : value), 2)}\n`;
}
