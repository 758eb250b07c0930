// The Prometheus side, checked by the real promtool: both configs and the rules are valid, the
// rule unit tests pass (and can fail), every alert is tested firing and not firing, every
// recording rule is tested, and every alert has its runbook section.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './support/schemas.js';
import { toolPath } from './support/tools.js';

const promtool = (...args: string[]) => {
  const r = spawnSync(toolPath('CLAUDE_OTEL_PROMTOOL_BIN'), args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};
const rulesDir = join(ROOT, 'prometheus/rules');
const testsDir = join(ROOT, 'prometheus/tests');
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.yml'));
const testFiles = readdirSync(testsDir).filter((f) => f.endsWith('-test.yaml'));
const rules = ruleFiles.flatMap((f) =>
  (
    parse(readFileSync(join(rulesDir, f), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; record?: string; labels?: { severity?: string } }> }>;
    }
  ).groups.flatMap((g) => g.rules),
);
const alerts = rules.flatMap((r) => (r.alert ? [r.alert] : []));
const records = rules.flatMap((r) => (r.record ? [r.record] : []));
const tmp = mkdtempSync(join(tmpdir(), 'claude-otel-promtool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface TestFile {
  tests: Array<{
    alert_rule_test?: Array<{
      alertname: string;
      exp_alerts?: Array<{ exp_labels?: { severity?: string } }>;
    }>;
    promql_expr_test?: Array<{ expr: string }>;
  }>;
}
const unitTests = testFiles.map((f) => parse(readFileSync(join(testsDir, f), 'utf8')) as TestFile);

describe('Prometheus config and rules (promtool)', () => {
  test('promtool check config accepts prometheus.yml and prometheus.serve.yml with their rules', () => {
    for (const file of ['prometheus/prometheus.yml', 'prometheus/prometheus.serve.yml']) {
      const r = promtool('check', 'config', file);
      expect(r.out).toContain(`SUCCESS: ${file} is valid prometheus config file syntax`);
      expect(r.code, r.out).toBe(0);
    }
  });

  test('promtool check rules accepts every rule file', () => {
    const r = promtool('check', 'rules', ...ruleFiles.map((f) => `prometheus/rules/${f}`));
    expect(r.code, r.out).toBe(0);
    for (const f of ruleFiles) {
      const count = (
        parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups: Array<{ rules: unknown[] }> }
      ).groups.flatMap((g) => g.rules).length;
      expect(r.out).toContain(`Checking prometheus/rules/${f}\n  SUCCESS: ${count} rules found`);
    }
    expect(ruleFiles.length).toBe(3);
  });

  test('promtool test rules passes every rule unit test', () => {
    const r = promtool('test', 'rules', ...testFiles.map((f) => `prometheus/tests/${f}`));
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  }, 240_000);

  test('a wrong expectation makes promtool test rules fail (the tests can fail)', () => {
    const text = readFileSync(join(testsDir, 'alerts-test.yaml'), 'utf8')
      .replace('../rules/', `${rulesDir}/`)
      .replace('72.00 USD', '71.00 USD');
    const broken = join(tmp, 'broken-test.yaml');
    writeFileSync(broken, text);
    const r = promtool('test', 'rules', broken);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('daily cost over budget fires');
  }, 120_000);

  test('every alert is tested firing and not firing; every recording rule is tested', () => {
    // 9 alerts, and 4 team budget alerts (team/user × daily/monthly) at two levels each.
    expect(alerts).toHaveLength(17);
    const cases = unitTests.flatMap((t) => t.tests.flatMap((c) => c.alert_rule_test ?? []));
    for (const a of new Set(alerts)) {
      const mine = cases.filter((c) => c.alertname === a);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${a} firing`,
      ).toBe(true);
      // An alert with two levels is tested firing at each of them.
      const levels = new Set(rules.filter((r) => r.alert === a).map((r) => r.labels?.severity));
      for (const severity of levels) {
        expect(
          mine.some((c) => (c.exp_alerts ?? []).some((e) => e.exp_labels?.severity === severity)),
          `${a} firing at ${severity}`,
        ).toBe(true);
      }
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${a} not firing`,
      ).toBe(true);
    }
    const exprs = unitTests.flatMap((t) =>
      t.tests.flatMap((c) => (c.promql_expr_test ?? []).map((e) => e.expr)),
    );
    for (const r of records) expect(exprs, r).toContain(r);
  });

  test('every alert has a runbook section with its threshold override and the rule links to it', () => {
    const runbook = readFileSync(join(ROOT, 'docs/runbook.md'), 'utf8');
    const headings = [...runbook.matchAll(/^## (\S+)$/gm)].map((h) => h[1]);
    expect(headings).toEqual(expect.arrayContaining([...new Set(alerts)]));
    const text = ruleFiles.map((f) => readFileSync(join(rulesDir, f), 'utf8')).join('\n');
    for (const a of new Set(alerts)) {
      expect(text).toContain(`runbook_url: docs/runbook.md#${a.toLowerCase()}`);
      const section = runbook.split(`## ${a}\n`)[1]?.split(/^## /m)[0] ?? '';
      expect(section, a).toMatch(/Threshold/);
      expect(section, a).toMatch(/thresholds\.\w+/);
      expect(section, a).toMatch(/What to do/);
    }
  });

  test('prometheus.yml marks exactly one targets line, pointing at the compose collector', () => {
    const text = readFileSync(join(ROOT, 'prometheus/prometheus.yml'), 'utf8');
    const marked = text.split('\n').filter((l) => l.includes('# CLAUDE_OTEL_SCRAPE_TARGET'));
    expect(marked).toEqual([
      '      - targets: ["otel-collector:8889"] # CLAUDE_OTEL_SCRAPE_TARGET (rewritten by tests)',
    ]);
    const serve = readFileSync(join(ROOT, 'prometheus/prometheus.serve.yml'), 'utf8');
    expect(serve).toContain('targets: ["host.docker.internal:9464"]');
  });
});
