// How numbers look in text reports: fixed, locale-independent formatting so golden files are
// the same on every machine.

export function formatInt(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatUsd(n: number): string {
  return `$${n.toFixed(4)}`;
}

export function formatPct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** Money rounded to a millionth of a dollar for JSON/CSV, so float noise never reaches output. */
export function roundUsd(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
