// Renders Grafana's alerting provisioning: the same alerts as the Prometheus rules (query A is
// the alert's value, B reduces it, C compares with the threshold), a webhook contact point whose
// URL comes from the environment, and a notification policy routing everything to it.
import { stringify } from 'yaml';
import { type AlertSpec, alertSpecs, runbookUrl } from '../alerts.js';
import type { Config } from '../config.js';
import { GENERATED_HEADER } from './prometheus-rules.js';

export const ALERT_FOLDER = 'Claude OTel';
export const ALERT_GROUP = 'claude-otel';
export const CONTACT_POINT = 'claude-otel-webhook';
/** Grafana expands `$VAR` in contact point settings (not in annotations or queries). */
export const WEBHOOK_ENV = 'CLAUDE_OTEL_ALERT_WEBHOOK_URL';

const GRAFANA_VALUE: Record<AlertSpec['format'], string> = {
  number: '{{ humanize $values.B.Value }}',
  percent: '{{ humanizePercentage $values.B.Value }}',
  usd: '{{ printf "%.2f" $values.B.Value }}',
  ms: '{{ printf "%.0f" $values.B.Value }} ms',
};

/** Stable, at most 40 characters as Grafana requires. */
export function ruleUid(name: string): string {
  const uid = `claude-otel-${name
    .replace(/^ClaudeOtel/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()}`;
  if (uid.length > 40) throw new TypeError(`alert uid too long for Grafana: '${uid}'`);
  return uid;
}

export function grafanaRule(cfg: Config, a: AlertSpec) {
  return {
    uid: ruleUid(a.name),
    title: a.name,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: cfg.datasources.prometheusUid,
        model: {
          refId: 'A',
          expr: a.valueExpr,
          instant: true,
          range: false,
          datasource: { type: 'prometheus', uid: cfg.datasources.prometheusUid },
        },
      },
      {
        refId: 'B',
        datasourceUid: '__expr__',
        model: {
          refId: 'B',
          type: 'reduce',
          expression: 'A',
          reducer: 'last',
          datasource: { type: '__expr__', uid: '__expr__' },
        },
      },
      {
        refId: 'C',
        datasourceUid: '__expr__',
        model: {
          refId: 'C',
          type: 'threshold',
          expression: 'B',
          conditions: [{ evaluator: { type: a.op === '>' ? 'gt' : 'lt', params: [a.threshold] } }],
          datasource: { type: '__expr__', uid: '__expr__' },
        },
      },
    ],
    // No data means the guarded ratios have nothing to say (no runs, no cache traffic): not an alert.
    noDataState: 'OK',
    execErrState: 'Error',
    for: a.for,
    annotations: {
      summary: a.summary,
      description: a.description(GRAFANA_VALUE[a.format]),
      runbook_url: runbookUrl(cfg, a.name),
    },
    labels: { severity: a.severity },
    isPaused: false,
  };
}

export function renderGrafanaAlertRules(cfg: Config): string {
  const doc = {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: ALERT_GROUP,
        folder: ALERT_FOLDER,
        interval: cfg.evaluationInterval,
        rules: alertSpecs(cfg).map((a) => grafanaRule(cfg, a)),
      },
    ],
  };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}

export function renderContactPoints(): string {
  const doc = {
    apiVersion: 1,
    contactPoints: [
      {
        orgId: 1,
        name: CONTACT_POINT,
        receivers: [
          {
            uid: CONTACT_POINT,
            type: 'webhook',
            settings: { url: `$${WEBHOOK_ENV}`, httpMethod: 'POST' },
            disableResolveMessage: false,
          },
        ],
      },
    ],
  };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}

export function renderNotificationPolicies(): string {
  const doc = {
    apiVersion: 1,
    policies: [
      {
        orgId: 1,
        receiver: CONTACT_POINT,
        group_by: ['grafana_folder', 'alertname'],
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '4h',
      },
    ],
  };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}
