// The committed dashboards, provisioning and rules are exactly what `npm run gen` produces from
// grafana/src, and a threshold override reaches every place that uses it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { applyOverride, defaultConfig, loadConfig } from '../src/config.js';
import { generateAll } from '../src/generate.js';
import { ROOT } from './support/schemas.js';

describe('generated files', () => {
  const files = generateAll(defaultConfig);

  test.each([...files.keys()])('%s is up to date (run `npm run gen` if not)', (rel) => {
    expect(readFileSync(join(ROOT, rel), 'utf8')).toBe(files.get(rel));
  });

  test('no stale generated file is left behind in the generated folders', () => {
    const committed = [
      ...readdirSync(join(ROOT, 'grafana/dashboards')).map((f) => `grafana/dashboards/${f}`),
      ...readdirSync(join(ROOT, 'grafana/dashboards-thanos')).map((f) => `grafana/dashboards-thanos/${f}`),
      ...readdirSync(join(ROOT, 'prometheus/rules')).map((f) => `prometheus/rules/${f}`),
      ...readdirSync(join(ROOT, 'grafana/provisioning/alerting')).map(
        (f) => `grafana/provisioning/alerting/${f}`,
      ),
    ];
    expect(committed.filter((f) => !files.has(f))).toEqual([]);
  });

  test('a threshold override changes the Prometheus rule, the Grafana rule and the dashboard together', () => {
    const cfg = applyOverride({ thresholds: { dailyBudgetUsd: 12.5 } });
    const out = generateAll(cfg);
    const prom = out.get('prometheus/rules/claude-otel-alerts.yml') ?? '';
    expect(prom).toContain('(sum(increase(openai_token_cost_total[1d] anchored)) / 100) > 12.5');
    const grafana = parse(out.get('grafana/provisioning/alerting/alert-rules.yaml') ?? '') as {
      groups: Array<{ rules: Array<{ title: string; data: Array<{ model: { conditions?: unknown } }> }> }>;
    };
    const rule = grafana.groups[0]?.rules.find((r) => r.title === 'ClaudeOtelDailyCostOverBudget');
    expect(rule?.data[2]?.model.conditions).toEqual([{ evaluator: { type: 'gt', params: [12.5] } }]);
    const dash = JSON.parse(out.get('grafana/dashboards/cost-and-tokens.json') ?? '{}') as {
      panels: Array<{
        title: string;
        fieldConfig?: { defaults: { thresholds: { steps: Array<{ value: number | null }> } } };
      }>;
    };
    const today = dash.panels.find((p) => p.title === 'Spend today');
    expect(today?.fieldConfig?.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 10, 12.5]);
    // Untouched thresholds keep their defaults.
    expect(prom).toContain('> 10000000');
  });

  test('a team budget override gives a named team its own levels and keeps every other default', () => {
    const cfg = applyOverride({
      thresholds: {
        teamBudgets: {
          team: { overrides: { 'data.science': { daily: { warning: 100, critical: 150 } } } },
          dailyWindow: '20s',
        },
      },
    });
    const prom = generateAll(cfg).get('prometheus/rules/claude-otel-team-budgets.yml') ?? '';
    // The named team leaves the default rule (regex-quoted) and gets its own, in the new window.
    expect(prom).toContain(
      '(sum by (team) (increase(openai_token_cost_total{team!="", team!~"data\\.science"}[20s] anchored)) / 100) > 40',
    );
    expect(prom).toContain(
      '(sum by (team) (increase(openai_token_cost_total{team!="", team="data.science"}[20s] anchored)) / 100) > 150',
    );
    // Its monthly budget, the user budgets and the monthly window keep their defaults.
    expect(prom).toContain(
      '(sum by (team) (increase(openai_token_cost_total{team!=""}[30d] anchored)) / 100) > 1000',
    );
    expect(prom).toContain(
      '(sum by (user) (increase(openai_token_cost_total{user!=""}[20s] anchored)) / 100) > 20',
    );
    expect(cfg.thresholds.teamBudgets.user).toEqual(defaultConfig.thresholds.teamBudgets.user);
    expect(() =>
      applyOverride({ thresholds: { teamBudgets: { user: { daily: { warning: 30, critical: 20 } } } } }),
    ).toThrow(/thresholds\.teamBudgets\.user\.daily.*warning must not be above critical/);
    expect(() => applyOverride({ thresholds: { teamBudgets: { team: { weekly: {} } } } })).toThrow(
      /thresholds\.teamBudgets\.team/,
    );
  });

  test('the override file is read from disk; bad values and unknown keys are rejected by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claude-otel-thresholds-'));
    try {
      const path = join(dir, 'thresholds.json');
      writeFileSync(
        path,
        JSON.stringify({ thresholds: { hourlyTokens: 123 }, runbookUrlPattern: 'https://x/rb#%s' }),
      );
      const cfg = loadConfig(path);
      expect(cfg.thresholds.hourlyTokens).toBe(123);
      expect(cfg.thresholds.dailyBudgetUsd).toBe(defaultConfig.thresholds.dailyBudgetUsd);
      expect(generateAll(cfg).get('prometheus/rules/claude-otel-alerts.yml')).toContain(
        'runbook_url: https://x/rb#claudeotelhighhourlytokenusage',
      );
      writeFileSync(path, '{ not json');
      expect(() => loadConfig(path)).toThrow(/cannot read threshold override file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => applyOverride({ thresholds: { errorRatio: 2 } })).toThrow(/thresholds\.errorRatio/);
    expect(() => applyOverride({ thresholds: { burnRateWindow: 'six hours' } })).toThrow(
      /thresholds\.burnRateWindow/,
    );
    for (const zero of ['0h', '0m', '00s']) {
      for (const key of ['burnRateWindow', 'cacheCreationFor']) {
        expect(() => applyOverride({ thresholds: { [key]: zero } }), `${key} ${zero}`).toThrow(
          `invalid threshold override at 'thresholds.${key}': a duration longer than zero, such as 30m or 6h`,
        );
      }
    }
    expect(() => applyOverride({ thresholds: { dailyBudget: 5 } })).toThrow(TypeError);
    expect(loadConfig(undefined)).toBe(defaultConfig);
  });
});
