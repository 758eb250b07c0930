// The exact window total in PromQL, the one form every dashboard, rule and the Prometheus-source
// report use (DESIGN.md: Prometheus 3 with created-timestamp zero ingestion and experimental PromQL).

/**
 * Exact total over a window: `anchored` takes the sample at the window's start instead of
 * extrapolating, and with created-timestamp zero ingestion a new series' first value counts.
 */
export function windowIncrease(sel: string, range: string): string {
  return `increase(${sel}[${range}] anchored)`;
}
