// Team mode's spend budgets as alert specs: per `team` and per `user` label, over a daily and a
// monthly window, at a warning and a critical level, from `thresholds.teamBudgets` of the config.
import type { AlertSpec } from './alerts.js';
import type { BudgetLevels, Config } from './config.js';
import { centsToUsd, windowIncrease } from './promql.js';

export type BudgetScope = 'team' | 'user';
export type BudgetWindow = 'daily' | 'monthly';
const SCOPES: readonly BudgetScope[] = ['team', 'user'];
const WINDOWS: readonly BudgetWindow[] = ['daily', 'monthly'];
const SEVERITIES: readonly AlertSpec['severity'][] = ['warning', 'critical'];

/** `ClaudeOtelTeamDailyCostOverBudget` and so on: one name per scope and window, both levels. */
export function teamBudgetAlertName(scope: BudgetScope, window: BudgetWindow): string {
  const cap = (s: string) => s[0]?.toUpperCase() + s.slice(1);
  return `ClaudeOtel${cap(scope)}${cap(window)}CostOverBudget`;
}

/** A window as the description reads it: `1d` is "24 hours", `30d` is "30 days". */
export function windowText(window: string): string {
  const n = Number(window.slice(0, -1));
  const unit = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' }[window.slice(-1)] ?? '';
  if (window === '1d') return '24 hours';
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A label value inside a PromQL regex: metacharacters escaped. */
function regexQuote(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Spend per label value over a window, in USD: the exact window total of the cost counter. */
export function budgetValueExpr(cfg: Config, scope: BudgetScope, range: string, matchers: string[]): string {
  const sel = `${cfg.metrics.cost}{${[`${scope}!=""`, ...matchers].join(', ')}}`;
  return centsToUsd(cfg, `sum by (${scope}) (${windowIncrease(sel, range)})`);
}

/**
 * Every team and user budget alert. Each level of each window is one rule over every label
 * value without an override of that window, plus one rule per overridden value.
 */
export function teamBudgetSpecs(cfg: Config): AlertSpec[] {
  const tb = cfg.thresholds.teamBudgets;
  const out: AlertSpec[] = [];
  for (const scope of SCOPES) {
    const budgets = tb[scope];
    for (const window of WINDOWS) {
      const range = window === 'daily' ? tb.dailyWindow : tb.monthlyWindow;
      const named = Object.entries(budgets.overrides).flatMap(([value, o]) => {
        const l = o[window];
        return l ? [{ value, levels: l }] : [];
      });
      const others =
        named.length > 0 ? [`${scope}!~"${named.map((n) => regexQuote(n.value)).join('|')}"`] : [];
      const groups: { matchers: string[]; levels: BudgetLevels }[] = [
        { matchers: others, levels: budgets[window] },
        ...named.map((n) => ({ matchers: [`${scope}="${n.value}"`], levels: n.levels })),
      ];
      for (const severity of SEVERITIES) {
        for (const g of groups) {
          const limit = g.levels[severity];
          const who = scope === 'team' ? 'Team' : 'User';
          out.push({
            name: teamBudgetAlertName(scope, window),
            severity,
            valueExpr: budgetValueExpr(cfg, scope, range, g.matchers),
            op: '>',
            threshold: limit,
            thresholdKey: 'teamBudgets',
            for: tb.for,
            format: 'usd',
            summary: `A ${scope}'s spend over the last ${windowText(range)} is above its ${window} ${severity} budget.`,
            description: (v) =>
              `${who} {{ $labels.${scope} }} spent ${v} USD over the last ${windowText(range)}, above its ${window} ${severity} budget of ${limit} USD.`,
          });
        }
      }
    }
  }
  return out;
}
