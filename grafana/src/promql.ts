// PromQL building blocks shared by dashboards and rules: selectors that carry the dashboard
// variables a metric's labels allow, and the exact window-total form from DESIGN.md.
import type { Config } from './config.js';

/** The dashboard variables that filter series; each applies only to metrics carrying that label. */
export type FilterVar = 'model' | 'agent' | 'operation';
export const FILTER_VARS: readonly FilterVar[] = ['model', 'agent', 'operation'];

/** Which filter variables a metric's labels allow (the duration histogram has no `agent`). */
export function varsFor(cfg: Config, metric: string): FilterVar[] {
  const m = cfg.metrics;
  if (metric === m.tokens || metric === m.cost) return ['model', 'agent', 'operation'];
  if (metric.startsWith(m.duration)) return ['model', 'operation'];
  if (metric === m.ccTokens || metric === m.ccCost) return ['model'];
  return [];
}

/** `metric{extra..., model=~"$model", ...}`; pass `vars: []` for rules, which have no variables. */
export function selector(metric: string, extra: readonly string[], vars: readonly FilterVar[]): string {
  const matchers = [...extra, ...vars.map((v) => `${v}=~"$${v}"`)];
  return matchers.length > 0 ? `${metric}{${matchers.join(', ')}}` : metric;
}

/** The exact window-total form lives with the report that queries it too (one home). */
export { windowIncrease } from '../../wrapper/src/report/promql.js';

/** A `token_type` matcher for the input side: uncached prompt, cache reads and cache writes. */
export function inputTypes(cfg: Config): string {
  return `token_type=~"${cfg.inputTokenTypes.join('|')}"`;
}

/** Cents → dollars for `openai_token_cost_total`. */
export function centsToUsd(cfg: Config, expr: string): string {
  return `${expr} / ${cfg.centsPerUsd}`;
}
