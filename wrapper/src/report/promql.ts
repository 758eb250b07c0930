// The exact window total in PromQL, the one form every dashboard, rule and the Prometheus-source
// report use, in the flavour each query engine parses (DESIGN.md; docs/pipeline.md).

/**
 * How an engine spells an exact window total. `anchored` (Prometheus 3 with experimental PromQL):
 * `increase(x[w] anchored)`. `xincrease` (Thanos query with --query.promql-engine=thanos
 * --query.enable-x-functions, which cannot parse `anchored`): `xincrease(x[w])`. Same meaning:
 * the last sample before the window is the base, resets are added back, no extrapolation.
 */
export type PromqlFlavour = 'anchored' | 'xincrease';
export const PROMQL_FLAVOURS: readonly PromqlFlavour[] = ['anchored', 'xincrease'];
/** `--promql`: a flavour, or `auto` (try `anchored`, fall back to `xincrease` on a parse error). */
export type PromqlChoice = PromqlFlavour | 'auto';

/**
 * Exact total over a window: the sample at the window's start is the base instead of an
 * extrapolation, and with created-timestamp zero ingestion a new series' first value counts.
 */
export function windowIncrease(sel: string, range: string, flavour: PromqlFlavour = 'anchored'): string {
  return flavour === 'xincrease' ? `xincrease(${sel}[${range}])` : `increase(${sel}[${range}] anchored)`;
}

/** `--promql`'s value; a TypeError quoting it otherwise. */
export function parsePromqlChoice(text: string | undefined): PromqlChoice {
  const value = (text ?? 'auto').trim();
  if (value === 'auto' || (PROMQL_FLAVOURS as readonly string[]).includes(value)) {
    return value as PromqlChoice;
  }
  throw new TypeError(`--promql '${text}' is not one of auto, ${PROMQL_FLAVOURS.join(', ')}`);
}
