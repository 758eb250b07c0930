// Everything `npm run gen` writes, as repo-relative path → content, computed without touching
// the disk so the staleness test can compare it with the committed files.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Config } from './config.js';
import { cacheDashboard } from './dashboards/cache-efficiency.js';
import { claudeCodeDashboard } from './dashboards/claude-code.js';
import { costTokensDashboard } from './dashboards/cost-tokens.js';
import { teamsDashboard } from './dashboards/teams.js';
import { renderAlertmanagerConfig } from './render/alertmanager.js';
import {
  renderContactPoints,
  renderGrafanaAlertRules,
  renderNotificationPolicies,
} from './render/grafana-alerting.js';
import { renderAlertRules, renderRecordingRules, renderTeamBudgetRules } from './render/prometheus-rules.js';
import { renderDashboardProviders, renderDatasources } from './render/provisioning.js';

/** Where the Thanos flavour of the dashboards is written (docker-compose.yml's grafana-team mounts it). */
export const THANOS_DASHBOARDS_DIR = 'grafana/dashboards-thanos';

/** Dashboard file name (without `.json`) → dashboard. */
export function dashboards(cfg: Config): Record<string, dashboard.Dashboard> {
  return {
    'cost-and-tokens': costTokensDashboard(cfg),
    'cache-efficiency': cacheDashboard(cfg),
    'claude-code-activity': claudeCodeDashboard(cfg),
    teams: teamsDashboard(cfg),
  };
}

export function generateAll(cfg: Config): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, d] of Object.entries(dashboards(cfg))) {
    files.set(`grafana/dashboards/${name}.json`, `${JSON.stringify(d, null, 2)}\n`);
  }
  // The same dashboards for Grafana over Thanos query (compose `team` profile), which cannot
  // parse `anchored`: window totals as xincrease (wrapper/src/report/promql.ts).
  for (const [name, d] of Object.entries(dashboards({ ...cfg, promql: 'xincrease' }))) {
    files.set(`${THANOS_DASHBOARDS_DIR}/${name}.json`, `${JSON.stringify(d, null, 2)}\n`);
  }
  files.set('grafana/provisioning/datasources/datasources.yaml', renderDatasources(cfg));
  files.set('grafana/provisioning/dashboards/claude-otel.yaml', renderDashboardProviders());
  files.set('grafana/provisioning/alerting/alert-rules.yaml', renderGrafanaAlertRules(cfg));
  files.set('grafana/provisioning/alerting/contact-points.yaml', renderContactPoints());
  files.set('grafana/provisioning/alerting/notification-policies.yaml', renderNotificationPolicies());
  files.set('prometheus/rules/claude-otel-alerts.yml', renderAlertRules(cfg));
  files.set('prometheus/rules/claude-otel-recording.yml', renderRecordingRules(cfg));
  files.set('prometheus/rules/claude-otel-team-budgets.yml', renderTeamBudgetRules(cfg));
  files.set('alertmanager/alertmanager.yml', renderAlertmanagerConfig(cfg));
  return files;
}
