// The terminal table and markdown formats, both drawn from the same sections.
import type { Report } from './build-report.js';
import { reportSections, type Section } from './rows.js';

function widths(section: Section): number[] {
  return section.header.map((h, i) => Math.max(h.length, ...section.rows.map((r) => (r[i] ?? '').length)));
}

export function formatTable(report: Report): string {
  const out: string[] = [];
  for (const section of reportSections(report)) {
    const w = widths(section);
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (section.numeric.includes(i) ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
        .join('  ')
        .trimEnd();
    out.push(section.title, line(section.header), w.map((n) => '-'.repeat(n)).join('  '));
    for (const row of section.rows) out.push(line(row));
    if (section.rows.length === 0) out.push('(nothing in this window)');
    out.push('');
  }
  out.push(...notes(report));
  return `${out.join('\n').trimEnd()}\n`;
}

const escapeCell = (c: string) => c.replace(/\|/g, '\\|');

/** One section as a markdown table (header, alignment row, rows), without its title. */
export function markdownTable(section: Pick<Section, 'header' | 'rows' | 'numeric'>): string[] {
  return [
    `| ${section.header.map(escapeCell).join(' | ')} |`,
    `|${section.header.map((_, i) => (section.numeric.includes(i) ? ' ---: ' : ' --- ')).join('|')}|`,
    ...section.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
}

export function formatMarkdown(report: Report): string {
  const out: string[] = [];
  for (const section of reportSections(report)) {
    out.push(`### ${section.title}`, '', ...markdownTable(section), '');
  }
  const n = notes(report);
  if (n.length > 0) out.push(...n.map((x) => `> ${x}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function notes(report: Report): string[] {
  const out: string[] = [];
  if (report.unknown_models.length > 0) {
    out.push(`Note: no price for ${report.unknown_models.join(', ')}: their cost is not included.`);
  }
  if (report.totals.imported > 0) {
    out.push(`Note: ${report.totals.imported} imported run(s) priced with the price table (no side calls).`);
  }
  return out;
}
