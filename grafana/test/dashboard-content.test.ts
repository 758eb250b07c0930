// What the issue asks of every panel: a description that says how to read it, a unit that fits
// the metric, the `$datasource` variable, and every filter variable its metric's labels allow.
// Also that each dashboard has the panels the issue lists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { FILTER_VARS, varsFor } from '../src/promql.js';
import { ROOT } from './support/schemas.js';

interface Target {
  expr: string;
  datasource?: { uid?: string };
}
interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { uid?: string };
  fieldConfig: { defaults: { unit?: string } };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; allValue?: string }> };
}

const dashboards: Dashboard[] = readdirSync(join(ROOT, 'grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(ROOT, 'grafana/dashboards', f), 'utf8')) as Dashboard);
const panels = dashboards.flatMap((d) =>
  d.panels.filter((p) => p.type !== 'row').map((p) => ({ dashboard: d.title, ...p })),
);
const m = defaultConfig.metrics;
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const DATASOURCE_VAR = '${datasource}';

/** Panels that read token series but show something else, and what. */
const NOT_TOKEN_COUNTS: Record<string, string> = {
  'Reads per written token': 'a plain ratio of two token counts',
  'Saved by caching': 'token counts priced in USD',
  'Saved by caching over time': 'token counts priced in USD',
};

/** Every `metric{matchers}` (or bare metric) of the contract in an expression. */
function selectors(expr: string): Array<{ metric: string; matchers: string }> {
  const out: Array<{ metric: string; matchers: string }> = [];
  for (const hit of expr.matchAll(/\b((?:openai|claude_code)_[a-zA-Z0-9_]+)(\{[^}]*\})?/g)) {
    out.push({ metric: hit[1] ?? '', matchers: hit[2] ?? '' });
  }
  return out;
}

describe('dashboard content', () => {
  test('every panel has a description that says how to read it', () => {
    const weak = panels
      .filter((p) => (p.description ?? '').length < 60)
      .map((p) => `${p.dashboard} / ${p.title}`);
    expect(weak).toEqual([]);
  });

  test('every panel and target reads from the $datasource variable', () => {
    const ds = DATASOURCE_VAR;
    const wrong = panels
      .filter((p) => p.datasource?.uid !== ds || p.targets?.some((t) => t.datasource?.uid !== ds))
      .map((p) => p.title);
    expect(wrong).toEqual([]);
  });

  test('units match the metric: USD for cost, ms for duration, tokens for token counts', () => {
    const wrong: string[] = [];
    for (const p of panels) {
      const unit = p.fieldConfig.defaults.unit ?? '';
      const exprs = (p.targets ?? []).map((t) => t.expr).join(' ');
      const ratio = unit === 'percentunit';
      if (!unit) wrong.push(`${p.title}: no unit`);
      if (/openai_token_cost_total|claude_code_cost_usage_USD_total/.test(exprs) && unit !== 'currencyUSD') {
        wrong.push(`${p.title}: cost in ${unit}`);
      }
      if (/openai_request_duration_ms_bucket/.test(exprs) && unit !== 'ms')
        wrong.push(`${p.title}: duration in ${unit}`);
      if (/_tokens?_(usage_tokens_)?total/.test(exprs) && !/cost/.test(exprs) && !ratio) {
        if (!unit.startsWith('count:tokens') && !NOT_TOKEN_COUNTS[p.title]) {
          wrong.push(`${p.title}: tokens in ${unit}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  test('every selector carries every filter variable its metric has labels for', () => {
    const missing: string[] = [];
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        for (const s of selectors(t.expr)) {
          for (const v of varsFor(defaultConfig, s.metric)) {
            if (!s.matchers.includes(`${v}=~"$${v}"`))
              missing.push(`${p.title}: ${s.metric}${s.matchers} lacks $${v}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    // The check above only means something if it saw the contract's metrics.
    const seen = new Set(
      panels.flatMap((p) => (p.targets ?? []).flatMap((t) => selectors(t.expr).map((s) => s.metric))),
    );
    expect([...seen]).toEqual(
      expect.arrayContaining([
        m.tokens,
        m.cost,
        `${m.duration}_bucket`,
        `${m.duration}_count`,
        m.ccCost,
        m.ccTokens,
      ]),
    );
  });

  test('each dashboard defines $datasource and the filters its metrics allow, and uses every one', () => {
    const want: Record<string, string[]> = {
      'Claude OTel / Cost and tokens': ['datasource', ...FILTER_VARS],
      'Claude OTel / Cache efficiency': ['datasource', ...FILTER_VARS],
      'Claude OTel / Claude Code activity': ['datasource', 'model'],
      'Claude OTel / Teams': ['datasource', ...FILTER_VARS],
    };
    for (const d of dashboards) {
      expect(
        d.templating.list.map((v) => v.name),
        d.title,
      ).toEqual(want[d.title]);
      const exprs = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
      for (const v of d.templating.list.filter((x) => x.type === 'query')) {
        expect(exprs, `${d.title} uses $${v.name}`).toContain(`$${v.name}`);
        expect(v.allValue).toBe('.*');
      }
    }
  });

  test('uids are fixed and unique, panel ids unique, panels fit the 24-column grid', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      'claude-otel-cache',
      'claude-otel-claude-code',
      'claude-otel-cost-tokens',
      'claude-otel-teams',
    ]);
    for (const d of dashboards) {
      const ids = d.panels.map((p) => (p as unknown as { id: number }).id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of d.panels as unknown as Array<{ gridPos: { x: number; w: number } }>) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      }
    }
  });

  test('the panels the issue asks for are there', () => {
    const titles = (name: string) =>
      dashboards.find((d) => d.title === name)?.panels.map((p) => p.title) ?? [];
    expect(titles('Claude OTel / Cost and tokens')).toEqual(
      expect.arrayContaining([
        'Spend today',
        'Spend, last 7 days',
        'Spend, last 30 days',
        'Burn rate',
        'Projected month-end spend',
        'Cost by model',
        'Cost by agent',
        'Cost by operation',
        'Tokens by type over time',
        'Runs',
        'Error rate',
        'Run duration p50 / p95',
      ]),
    );
    expect(titles('Claude OTel / Cache efficiency')).toEqual(
      expect.arrayContaining([
        'Cache hit ratio',
        'Saved by caching',
        'Cache writes and reads over time',
        'Cache write share over time',
        'Uncached input tokens (spikes)',
        'Cache reads versus a day earlier',
      ]),
    );
    expect(titles('Claude OTel / Claude Code activity')).toEqual(
      expect.arrayContaining([
        'Sessions',
        'Active time',
        'Lines added',
        'Lines removed',
        'Commits',
        'Pull requests',
        'Cost by model (Claude Code)',
        'Tokens by type over time (Claude Code)',
      ]),
    );
    expect(titles('Claude OTel / Teams')).toEqual(
      expect.arrayContaining([
        'Team spend, last 24 hours',
        'Team spend, last 30 days',
        'Cost by team',
        'Cost by user',
        'Cost by project',
        'Spend per hour by team',
        'Tokens by team',
        'Tokens by user',
        'Tokens by project',
        'Top 10 spenders',
        'Top 10 projects',
        'Plan window used',
      ]),
    );
  });

  test('fixed windows use the panel time override, so $__range is today / 7 days / 30 days / the month', () => {
    const cost = dashboards.find((d) => d.uid === 'claude-otel-cost-tokens')!;
    const timeFrom = Object.fromEntries(
      cost.panels.map((p) => [p.title, (p as unknown as { timeFrom?: string }).timeFrom]),
    );
    expect(timeFrom['Spend today']).toBe('now/d');
    expect(timeFrom['Spend, last 7 days']).toBe('7d');
    expect(timeFrom['Spend, last 30 days']).toBe('30d');
    expect(timeFrom['Projected month-end spend']).toBe('now/M');
  });
});
