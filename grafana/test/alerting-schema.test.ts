// Grafana alerting provisioning: each rule group, contact point and policy validates against
// Grafana's alerting schema, and the Grafana-managed rules mirror the Prometheus alerts exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { alertValue } from '../src/queries.js';
import { errorsText, grafanaValidator, ROOT } from './support/schemas.js';

const read = (rel: string) => parse(readFileSync(join(ROOT, rel), 'utf8'));

interface GrafanaRule {
  uid: string;
  title: string;
  condition: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> }>;
  [k: string]: unknown;
}
const rulesDoc = read('grafana/provisioning/alerting/alert-rules.yaml') as {
  groups: Array<{ orgId: number; name: string; folder: string; interval: string; rules: GrafanaRule[] }>;
};
const contactDoc = read('grafana/provisioning/alerting/contact-points.yaml') as {
  contactPoints: Array<{ orgId: number; name: string; receivers: Array<Record<string, unknown>> }>;
};
const policyDoc = read('grafana/provisioning/alerting/notification-policies.yaml') as {
  policies: Array<{ orgId: number; receiver: string } & Record<string, unknown>>;
};
const promDoc = read('prometheus/rules/claude-otel-alerts.yml') as {
  groups: Array<{
    rules: Array<{ alert: string; expr: string; for: string; labels: object; annotations: object }>;
  }>;
};
const datasources = read('grafana/provisioning/datasources/datasources.yaml') as {
  datasources: Array<{ uid: string; type: string }>;
};
const seconds = (d: string) =>
  Number(d.slice(0, -1)) * ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[d.slice(-1)]!;

describe('Grafana alerting provisioning', () => {
  test('each rule group validates against the alerting schema (file form mapped to the API form)', () => {
    const validate = grafanaValidator('alerting', 'RuleGroup');
    for (const g of rulesDoc.groups) {
      // The file gives folder, org and group once per group; the API form repeats them per rule.
      const apiGroup = {
        title: g.name,
        folderUid: g.folder,
        interval: seconds(g.interval),
        rules: g.rules.map((r) => ({ ...r, folderUID: g.folder, orgID: g.orgId, ruleGroup: g.name })),
      };
      expect(validate(apiGroup), errorsText(validate)).toBe(true);
    }
  });

  test('contact points and policies validate against the alerting schema', () => {
    const cp = grafanaValidator('alerting', 'ContactPoint');
    for (const c of contactDoc.contactPoints) {
      for (const r of c.receivers) expect(cp({ ...r, name: c.name }), errorsText(cp)).toBe(true);
    }
    const policy = grafanaValidator('alerting', 'NotificationPolicy');
    for (const { orgId: _org, ...p } of policyDoc.policies) expect(policy(p), errorsText(policy)).toBe(true);
  });

  test('the schema is live: a rule without a condition is rejected', () => {
    const validate = grafanaValidator('alerting', 'Rule');
    const { condition: _c, ...rule } = rulesDoc.groups[0]!.rules[0]!;
    expect(validate({ ...rule, folderUID: 'f', orgID: 1, ruleGroup: 'g' })).toBe(false);
  });

  test('every Prometheus alert has a Grafana rule with the same query, threshold, for, labels and runbook', () => {
    const grafana = new Map(rulesDoc.groups.flatMap((g) => g.rules).map((r) => [r.title, r]));
    const prom = promDoc.groups.flatMap((g) => g.rules);
    expect([...grafana.keys()].sort()).toEqual(prom.map((r) => r.alert).sort());
    const promUid = datasources.datasources.find(
      (d) => d.type === 'prometheus' && d.uid === 'claude-otel-prometheus',
    );
    expect(promUid).toBeDefined();
    for (const p of prom) {
      const g = grafana.get(p.alert)!;
      const [a, b, c] = g.data;
      expect(g.condition).toBe('C');
      expect(a?.datasourceUid).toBe('claude-otel-prometheus');
      expect(a?.model.expr).toBe(alertValue(p.expr));
      expect(b?.model).toMatchObject({ type: 'reduce', expression: 'A', reducer: 'last' });
      const [, op, threshold] = /\) ([<>]) ([0-9.e+-]+)$/.exec(p.expr) ?? [];
      expect(c?.model).toMatchObject({
        type: 'threshold',
        expression: 'B',
        conditions: [{ evaluator: { type: op === '>' ? 'gt' : 'lt', params: [Number(threshold)] } }],
      });
      expect(g.for).toBe(p.for);
      expect(g.labels).toEqual(p.labels);
      const pa = p.annotations as Record<string, string>;
      expect(g.annotations.runbook_url).toBe(pa.runbook_url);
      expect(g.annotations.summary).toBe(pa.summary);
      expect(g.uid.length).toBeLessThanOrEqual(40);
    }
  });

  test('the contact point URL comes from the environment and the policy routes to it', () => {
    const receivers = contactDoc.contactPoints.flatMap((c) => c.receivers);
    expect(receivers).toHaveLength(1);
    expect(receivers[0]).toMatchObject({
      type: 'webhook',
      settings: { url: '$CLAUDE_OTEL_ALERT_WEBHOOK_URL' },
    });
    expect(policyDoc.policies.map((p) => p.receiver)).toEqual([contactDoc.contactPoints[0]?.name]);
    const compose = read('docker-compose.yml') as {
      services: { grafana: { environment: Record<string, string> } };
    };
    expect(compose.services.grafana.environment.CLAUDE_OTEL_ALERT_WEBHOOK_URL).toMatch(
      /^\$\{CLAUDE_OTEL_ALERT_WEBHOOK_URL:-/,
    );
  });
});
