// A team budget alert through the team tier, real processes only: two machines in team mode
// (identity resolved by the run's own code into their ledgers) `claude-otel sync` to two different
// collector replicas; the team scraper (Prometheus 3, remote-writing to Thanos) evaluates the
// generated team-budget rules (a 20 s "daily" window, 1 s evaluation) over the sum of both
// replicas and sends to a real Alertmanager on the generated config, which posts to a webhook
// receiver this test owns. The single-node case, routes and resolution: e2e/team-alerts.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_ENV } from '../../src/config/identity.js';
import { appendRunRecord } from '../../src/ledger/append.js';
import { runIdentity } from '../../src/run/context.js';
import {
  startWebhookReceiver,
  type TestAlertmanager,
  type WebhookReceiver,
} from '../support/alertmanager.js';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { runCosting, slackMessages, startTeamBudgetAlerting } from '../support/team-budget-alerts.js';
import { startTeamStack, type TestTeamStack } from '../support/team-stack.js';
import { waitFor } from '../support/wait-for.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-team-tier-alerts-'));
const sandboxes: Sandbox[] = [];
let receiver: WebhookReceiver;
let alertmanager: TestAlertmanager;
let stack: TestTeamStack;

/** Notifications at one receiver path, as title + text. */
const messages = (where: string) => slackMessages(receiver, where);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  let rules: string;
  ({ rules, alertmanager } = await startTeamBudgetAlerting(dir, receiver));
  stack = await startTeamStack({
    replicas: 2,
    receivers: 2,
    scrapeIntervalMs: 1000,
    ruleFiles: [rules],
    alertmanager: alertmanager.address,
  });
});

afterAll(async () => {
  await stack?.stop();
  await alertmanager?.stop();
  await receiver?.close();
  for (const s of sandboxes) s.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('team budget alert through the team tier', () => {
  it('two machines of one team, synced to two replicas, together pass the budget: Alertmanager posts the team and the sum', async () => {
    // platform: 0.60 + 0.70 USD on two machines and replicas (neither alone is over critical 1);
    // web: 0.20 USD, under every level.
    const machines = [
      { team: 'platform', user: 'ana', usd: 0.6, replica: 0 },
      { team: 'platform', user: 'bo', usd: 0.7, replica: 1 },
      { team: 'web', user: 'cy', usd: 0.2, replica: 1 },
    ];
    const sent = Date.now();
    for (const m of machines) {
      const s = makeSandbox('http://127.0.0.1:9', {
        [IDENTITY_ENV.team]: m.team,
        [IDENTITY_ENV.user]: m.user,
        OTEL_EXPORTER_OTLP_ENDPOINT: stack.replicas[m.replica]?.grpcEndpoint ?? '',
      });
      sandboxes.push(s);
      const identity = await runIdentity(s.env, s.workdir);
      expect(identity).toMatchObject({ team: m.team, user: m.user });
      appendRunRecord({ ...runCosting(m.usd), ...(identity ? { identity } : {}) }, s.env);
      const sync = await runCli(['sync'], s);
      expect(sync.code, sync.stderr).toBe(0);
    }
    const firing = () =>
      messages('/critical').find((m) => m.startsWith('[FIRING') && m.includes('team=platform'));
    await waitFor(firing, { timeoutMs: 90_000, intervalMs: 250, what: 'the firing notification' }).catch(
      (error) => {
        throw new Error(
          `${(error as Error).message}\nreceived: ${JSON.stringify(receiver.received)}\n${alertmanager.log()}\n${stack.logs()}`,
        );
      },
    );
    console.log(`[team-tier-alerts] sync → firing notification ${Date.now() - sent} ms`);
    expect(firing()?.split('\n')[0]).toBe(
      '[FIRING] ClaudeOtelTeamDailyCostOverBudget team=platform (critical)',
    );
    expect(firing()).toContain('Team platform spent 1.30 USD over the last 20 seconds');
    expect(receiver.received.some((n) => JSON.stringify(n.body).includes('team=web'))).toBe(false);
  });
});
