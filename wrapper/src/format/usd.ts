// How dollar amounts look in text, in one leaf module (no imports) so the status line's tiny
// bundle can share it with the reports: fixed, locale-independent, the same on every machine.

/** To a hundredth of a cent, as reports, summaries and messages show money ("$0.0108"). */
export function formatUsd(n: number): string {
  return `$${n.toFixed(4)}`;
}

/**
 * A dollar amount in machine-readable text (step outputs, key=value lines): the value as stored,
 * written as JSON writes numbers, unrounded, so it is the figure `--json` gives.
 */
export function usdValue(n: number): string {
  return JSON.stringify(n);
}

/** To the cent, for narrow tables such as `blocks` ("$0.01"). */
export function formatUsdCents(n: number): string {
  return `$${n.toFixed(2)}`;
}

/** To the cent, but a positive amount that would show as $0.00 says so (status line). */
export function formatUsdCompact(n: number): string {
  return n > 0 && n < 0.005 ? '<$0.01' : formatUsdCents(n);
}
