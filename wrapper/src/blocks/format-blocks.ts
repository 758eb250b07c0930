// `claude-otel blocks` output: the --json document, and a readable table in local time.
import { formatUsdCents } from '../format/usd.js';
import type { Block } from './build-blocks.js';

export function blocksJson(blocks: readonly Block[]): string {
  return `${JSON.stringify({ blocks }, null, 2)}\n`;
}

const pad = (n: number) => String(n).padStart(2, '0');
function localTime(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

export function blocksText(blocks: readonly Block[]): string {
  if (blocks.length === 0) return 'No runs in this window.\n';
  const header = ['start', 'end', 'runs', 'tokens', 'cost', 'burn/h', 'projected'];
  const rows = blocks.map((b) => [
    localTime(b.start, true),
    localTime(b.end, false),
    String(b.runs),
    b.tokens.total.toLocaleString('en-US'),
    formatUsdCents(b.cost_usd),
    formatUsdCents(b.burn_rate_usd_per_hour),
    b.projected_cost_usd === null ? '' : `${formatUsdCents(b.projected_cost_usd)} (active)`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `5-hour windows (local time)\n${[line(header), ...rows.map(line)].join('\n')}\n`;
}
