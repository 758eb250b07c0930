// How numbers look in text reports: fixed, locale-independent formatting so golden files are
// the same on every machine. Dollar amounts have their home in format/usd.ts (re-exported here).

export { formatUsd, formatUsdCents, formatUsdCompact, usdValue } from '../format/usd.js';

export function formatInt(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatPct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** Money rounded to a millionth of a dollar for JSON/CSV, so float noise never reaches output. */
export function roundUsd(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
