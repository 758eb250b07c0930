// The --json / --format json report: the Report object as documented by docs/report.schema.json.
// Money is the value the ledger holds (summed), never rounded: only text, markdown and CSV round
// for display.
import type { Report } from './build-report.js';

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
