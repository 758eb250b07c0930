// Test setup shared by the team budget alert tests (single node and team tier): the generated
// team-budget rules for a 20 s "daily" window at 1 s evaluation, and a real Alertmanager on the
// generated config posting Slack-compatible payloads to a webhook receiver the test owns.
import fs from 'node:fs';
import path from 'node:path';
import { applyOverride } from '../../../grafana/src/config.js';
import { renderAlertmanagerConfig } from '../../../grafana/src/render/alertmanager.js';
import { renderTeamBudgetRules } from '../../../grafana/src/render/prometheus-rules.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { startAlertmanager, type TestAlertmanager, type WebhookReceiver } from './alertmanager.js';
import { REPO_ROOT } from './cli.js';
import { syntheticRun } from './collector-fixtures.js';

export interface SlackPayload {
  username?: string;
  attachments?: { title?: string; text?: string; color?: string }[];
}

/** A run of one model costing `usd`. */
export const runCosting = (usd: number): RunRecord =>
  syntheticRun({
    models: {
      'claude-sonnet-4-5': { prompt: 10, completion: 20, cache_read: 30, cache_creation: 40, cost_usd: usd },
    },
  });

/** Notifications at one receiver path, as title + text. */
export const slackMessages = (receiver: WebhookReceiver, where: string): string[] =>
  receiver.received
    .filter((n) => n.path === where)
    .flatMap((n) => (n.body as SlackPayload).attachments ?? [])
    .map((a) => `${a.title}\n${a.text}`);

/**
 * Writes into `dir` the team-budget rules (team daily budget: warning 0.5, critical 1 USD) and the
 * Alertmanager config beside a copy of the shipped templates (as in alertmanager/), with one
 * receiver path per severity (/critical, /warning, /default) and /team-<name> for each team in
 * `teamRoutes`; starts Alertmanager on it. The rules file is for Prometheus' rule_files.
 */
export async function startTeamBudgetAlerting(
  dir: string,
  receiver: WebhookReceiver,
  options: { teamRoutes?: string[] } = {},
): Promise<{ rules: string; alertmanager: TestAlertmanager }> {
  const urlFile = (name: string) => {
    const file = path.join(dir, `${name}-url`);
    fs.writeFileSync(file, `${receiver.url}/${name}\n`);
    return file;
  };
  const teams = options.teamRoutes?.length
    ? { teams: Object.fromEntries(options.teamRoutes.map((t) => [t, urlFile(`team-${t}`)])) }
    : {};
  const cfg = applyOverride({
    thresholds: {
      teamBudgets: { team: { daily: { warning: 0.5, critical: 1 } }, dailyWindow: '20s', for: '1s' },
    },
    alertmanager: {
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
      urlFiles: { critical: urlFile('critical'), warning: urlFile('warning'), default: urlFile('default') },
      ...teams,
    },
  });
  const rules = path.join(dir, 'team-budgets.yml');
  fs.writeFileSync(rules, renderTeamBudgetRules({ ...cfg, evaluationInterval: '1s' }));
  const amDir = path.join(dir, 'alertmanager');
  fs.cpSync(path.join(REPO_ROOT, 'alertmanager/templates'), path.join(amDir, 'templates'), {
    recursive: true,
  });
  fs.writeFileSync(path.join(amDir, 'alertmanager.yml'), renderAlertmanagerConfig(cfg));
  return { rules, alertmanager: await startAlertmanager(path.join(amDir, 'alertmanager.yml')) };
}
