// Variable substitution and expression listing, the parts of queries.ts the end-to-end checks
// rely on; and the cache prices, which are the wrapper's price table (each model priced once).
import { describe, expect, test } from 'vitest';
import { buildPriceTable } from '../../wrapper/src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../wrapper/src/pricing/price-table-data.js';
import { defaultConfig } from '../src/config.js';
import { cacheSavingsExpr } from '../src/dashboards/cache-efficiency.js';
import {
  alertValue,
  durationSeconds,
  listAlertExpressions,
  listPanelQueries,
  substituteVariables,
} from '../src/queries.js';

const vars = {
  range: '6h',
  rateInterval: '1m',
  model: 'a|b',
  agent: '.*',
  operation: 'swarm',
  datasource: 'uid1',
};

describe('queries', () => {
  test('substituteVariables replaces Grafana variables as Grafana would', () => {
    const expr =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's braced variable syntax.
      'sum(increase(x{model=~"$model", agent=~"${agent}", operation=~"$operation"}[$__range] anchored)) / ($__range_s / 3600) + rate(y[$__rate_interval])';
    expect(substituteVariables(expr, vars)).toBe(
      'sum(increase(x{model=~"a|b", agent=~".*", operation=~"swarm"}[6h] anchored)) / (21600 / 3600) + rate(y[1m])',
    );
    expect(() => substituteVariables('x{a="$nope"}', vars)).toThrow(/unknown variable '\$nope'/);
  });

  test('durationSeconds reads Prometheus durations', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('1d')).toBe(86400);
    expect(() => durationSeconds('1 day')).toThrow(TypeError);
  });

  test('alertValue takes the compared value out of a generated condition', () => {
    expect(alertValue('(sum(a) / sum(b)) > 0.5')).toBe('sum(a) / sum(b)');
    expect(alertValue('((x) and on() (y >= 5)) < 1e-3')).toBe('(x) and on() (y >= 5)');
    expect(() => alertValue('sum(a) > 1')).toThrow(/not of the form/);
  });

  test('every panel query and every alert is listed, with variables only where Grafana fills them', () => {
    const panels = listPanelQueries();
    expect(new Set(panels.map((p) => p.dashboard))).toEqual(
      new Set([
        'Claude OTel / Cost and tokens',
        'Claude OTel / Cache efficiency',
        'Claude OTel / Claude Code activity',
        'Claude OTel / Teams',
      ]),
    );
    expect(panels.find((p) => p.panel === 'Spend today')?.expr).toBe(
      'sum(increase(openai_token_cost_total{model=~"$model", agent=~"$agent", operation=~"$operation"}[$__range] anchored)) / 100',
    );
    const alerts = listAlertExpressions();
    expect(alerts.filter((a) => a.expr.includes('$'))).toEqual([]);
    expect(
      alerts.find((a) => a.name === 'ClaudeOtelDailyCostOverBudget' && a.source === 'prometheus-alert'),
    ).toEqual({
      source: 'prometheus-alert',
      name: 'ClaudeOtelDailyCostOverBudget',
      expr: 'sum(increase(openai_token_cost_total[1d] anchored)) / 100',
      condition: '(sum(increase(openai_token_cost_total[1d] anchored)) / 100) > 50',
    });
  });

  test('cache prices are the wrapper price table: every model it knows is priced once, at its rates', () => {
    const table = buildPriceTable(BUILTIN_PRICE_TABLE);
    const names = BUILTIN_PRICE_TABLE.models.flatMap((m) => [m.id, ...(m.aliases ?? [])]);
    // How Claude Code names models in modelUsage: plain, dated, and with a provider prefix/suffix.
    const labels = [
      ...names,
      ...BUILTIN_PRICE_TABLE.models.map((m) => `${m.id}-20250101`),
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-opus-4-1@20250805',
    ];
    expect(names.length).toBeGreaterThan(40);
    for (const model of labels) {
      const prices = defaultConfig.cachePrices.filter((p) => new RegExp(`^(?:${p.modelRegex})$`).test(model));
      expect(prices, model).toHaveLength(1);
      const rates = table.lookup(model)?.rates;
      expect(rates, model).toBeDefined();
      expect(prices[0], model).toMatchObject({
        inputUsdPerMTok: rates?.input,
        cacheReadUsdPerMTok: rates?.cache_read,
        cacheWriteUsdPerMTok: rates?.cache_write_5m,
      });
    }
    for (const other of ['claude-sonnet-4-5x', 'xclaude-haiku-4-5', 'gpt-4o', 'claude-opus-4-1-extra']) {
      expect(
        defaultConfig.cachePrices.filter((p) => new RegExp(`^(?:${p.modelRegex})$`).test(other)),
        other,
      ).toHaveLength(0);
    }
  });

  test('savings: 0.9 of the input price per cache read minus 0.25 per cache write, per model', () => {
    const expr = cacheSavingsExpr(defaultConfig, '1h');
    // Sonnet at 3 USD/MTok: a read saves 2.7e-6 USD, a write costs 7.5e-7 USD extra.
    expect(expr).toMatch(/token_type="cache_read", model=~"[^"]*claude-sonnet-4-5[|)]/);
    expect(expr).toContain('[1h] anchored)) * 0.0000027');
    expect(expr).toContain('[1h] anchored)) * 7.5e-7');
    expect(expr.startsWith('(sum(')).toBe(true);
    expect(expr).toContain(') or vector(0)) - (sum(');
  });
});
