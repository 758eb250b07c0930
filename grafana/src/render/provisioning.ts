// Renders Grafana's datasource and dashboard-provider provisioning. Hostnames are the compose
// service names; the uids are fixed so dashboards and alert rules can refer to them.
import { stringify } from 'yaml';
import type { Config } from '../config.js';
import { ALERT_FOLDER } from './grafana-alerting.js';
import { GENERATED_HEADER } from './prometheus-rules.js';

/** Where docker-compose.yml mounts grafana/dashboards inside the Grafana container. */
export const DASHBOARDS_MOUNT = '/etc/grafana/dashboards';

export function renderDatasources(cfg: Config): string {
  const prometheus = (name: string, uid: string, url: string, isDefault: boolean) => ({
    name,
    uid,
    type: 'prometheus',
    access: 'proxy',
    url,
    isDefault,
    editable: false,
    jsonData: {
      // The scrape interval: Grafana's $__rate_interval is at least four of these.
      timeInterval: '15s',
      httpMethod: 'POST',
      prometheusType: 'Prometheus',
    },
  });
  const doc = {
    apiVersion: 1,
    datasources: [
      prometheus('Prometheus', cfg.datasources.prometheusUid, 'http://prometheus:9090', true),
      // Only answers while the compose `serve` profile runs (Prometheus scraping `claude-otel serve`).
      prometheus(
        'Prometheus (serve)',
        cfg.datasources.prometheusServeUid,
        'http://prometheus-serve:9090',
        false,
      ),
      {
        name: 'Tempo',
        uid: cfg.datasources.tempoUid,
        type: 'tempo',
        access: 'proxy',
        url: 'http://tempo:3200',
        isDefault: false,
        editable: false,
        jsonData: {
          serviceMap: { datasourceUid: cfg.datasources.prometheusUid },
          nodeGraph: { enabled: true },
        },
      },
    ],
  };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}

export function renderDashboardProviders(): string {
  const doc = {
    apiVersion: 1,
    providers: [
      {
        name: 'claude-otel',
        orgId: 1,
        folder: ALERT_FOLDER,
        folderUid: 'claude-otel',
        type: 'file',
        // Dashboards are generated from code: edits in the UI would be lost on the next `npm run gen`.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}
