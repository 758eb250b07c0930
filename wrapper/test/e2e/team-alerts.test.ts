// Team budgets end to end with real processes: team-mode runs (identity resolved by the run's own
// code, exported by the real exporter) through the real collector push teams over their budgets in real Prometheus, which evaluates the generated
// team-budget rules (a test config from the same code: a 20 s "daily" window, 1 s evaluation)
// and sends to a real Alertmanager running the generated config, which posts Slack-compatible
// payloads to a webhook receiver owned by this test; they resolve once the window has passed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_ENV } from '../../src/config/identity.js';
import { startExporter } from '../../src/export/exporter.js';
import { runIdentity } from '../../src/run/context.js';
import {
  startAlertmanager,
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../support/alertmanager.js';
import { REPO_ROOT } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import {
  runCosting,
  type SlackPayload,
  slackMessages,
  startTeamBudgetAlerting,
} from '../support/team-budget-alerts.js';
import { waitFor } from '../support/wait-for.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-team-alerts-'));
let receiver: WebhookReceiver;
let alertmanager: TestAlertmanager;
let collector: TestCollector;
let prometheus: TestPrometheus;

/**
 * Exports runs of `usd` each as a machine with these team-mode settings would (none: team mode
 * off): the identity the run's code resolves is in each record, the real exporter sends them.
 */
async function exportAs(settings: { team?: string; user?: string }, usds: number[]): Promise<void> {
  const env = {
    ...(settings.team ? { [IDENTITY_ENV.team]: settings.team } : {}),
    ...(settings.user ? { [IDENTITY_ENV.user]: settings.user } : {}),
    [IDENTITY_ENV.project]: 'app',
  };
  const identity = await runIdentity(env, dir);
  expect(identity?.team).toBe(settings.team);
  const records = usds.map((usd) => ({ ...runCosting(usd), ...(identity ? { identity } : {}) }));
  const result = await startExporter({ endpoint: collector.grpcEndpoint }).exportRuns(records);
  expect(result.error).toBeUndefined();
  expect(result.sent).toHaveLength(records.length);
}

/** Notifications at one receiver path, as title + text. */
const messages = (where: string) => slackMessages(receiver, where);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  let rules: string;
  ({ rules, alertmanager } = await startTeamBudgetAlerting(dir, receiver, { teamRoutes: ['data'] }));
  collector = await startCollector();
  prometheus = await startPrometheus(collector.metricsTarget, 1000, {
    ruleFiles: [rules],
    alertmanagers: [alertmanager.address],
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await collector?.close();
  await alertmanager?.stop();
  await receiver?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('team budgets through Alertmanager', () => {
  it('the shipped alertmanager.yml loads in the real Alertmanager', async () => {
    const shipped = await startAlertmanager(path.join(REPO_ROOT, 'alertmanager/alertmanager.yml'));
    try {
      const status = (await (await fetch(`${shipped.url}/api/v2/status`)).json()) as {
        config: { original: string };
      };
      expect(status.config.original).toContain('receiver: team-critical');
      expect(status.config.original).toContain(
        'api_url_file: /etc/alertmanager/secrets/critical-webhook-url',
      );
    } finally {
      await shipped.stop();
    }
  });

  it('runs over a team budget fire, are routed by team and severity with the amount, and resolve', async () => {
    // platform: 1.50 USD (over critical 1); web: 0.70 USD (over warning 0.5 only); data: its own route.
    const sent = Date.now();
    await Promise.all([
      exportAs({ team: 'platform', user: 'ana' }, [0.4]),
      exportAs({ team: 'platform', user: 'bo' }, [0.5]),
      exportAs({ team: 'platform', user: 'ana' }, [0.6]),
      exportAs({ team: 'web', user: 'cy' }, [0.7]),
      exportAs({ team: 'data', user: 'di' }, [0.6]),
      // Team mode off: never part of a team budget.
      exportAs({}, [5]),
    ]);
    const firing = (where: string, team: string) =>
      messages(where).find((m) => m.startsWith('[FIRING') && m.includes(`team=${team}`));
    await waitFor(
      () => firing('/critical', 'platform') && firing('/warning', 'web') && firing('/team-data', 'data'),
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        what: 'the firing notifications',
        fatal: () => undefined,
      },
    ).catch((error) => {
      throw new Error(
        `${(error as Error).message}\nreceived: ${JSON.stringify(receiver.received)}\n${alertmanager.log()}`,
      );
    });
    const firedMs = Date.now() - sent;
    const critical = firing('/critical', 'platform') ?? '';
    expect(critical.split('\n')[0]).toBe(
      '[FIRING] ClaudeOtelTeamDailyCostOverBudget team=platform (critical)',
    );
    expect(critical).toContain(
      'Team platform spent 1.50 USD over the last 20 seconds, above its daily critical budget of 1 USD. Runbook: docs/runbook.md#claudeotelteamdailycostoverbudget',
    );
    expect(firing('/warning', 'web')).toContain(
      'Team web spent 0.70 USD over the last 20 seconds, above its daily warning budget of 0.5 USD.',
    );
    expect(firing('/team-data', 'data')).toContain('Team data spent 0.60 USD');
    // Routing: critical alerts never reach the warning receiver; a named team only its own.
    expect(messages('/warning').some((m) => m.includes('(critical)'))).toBe(false);
    expect(messages('/critical').some((m) => m.includes('team=data') || m.includes('team=web'))).toBe(false);
    expect(messages('/default')).toEqual([]);
    const payload = receiver.received.find((n) => n.path === '/critical')?.body as SlackPayload;
    expect(payload.username).toBe('claude-otel');
    expect(payload.attachments?.[0]?.color).toBe('danger');

    // No more spend: once the 20 s window has passed, each alert resolves.
    const resolved = (where: string, team: string) =>
      messages(where).some((m) => m.startsWith('[RESOLVED]') && m.includes(`team=${team}`));
    await waitFor(() => resolved('/critical', 'platform') && resolved('/warning', 'web'), {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: 'the resolved notifications',
    });
    console.log(
      `[team-alerts] runs sent → firing notifications ${firedMs} ms; → resolved ${Date.now() - sent} ms (20 s window, 1 s evaluation, 1 s scrape)`,
    );
    expect(messages('/critical').find((m) => m.startsWith('[RESOLVED]'))).toContain(
      'Resolved: Team platform spent 1.50 USD',
    );
  });
});
