// The native team tier's Alertmanager config: the shipped config with its webhook URL files moved
// into the stack's secrets folder, absolute templates, and the URL files written without leaks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  deriveAlertmanagerConfig,
  PLACEHOLDER_WEBHOOK_URL,
  shippedAlertmanagerConfigPath,
  WEBHOOK_ENV,
  webhookUrl,
  writeWebhookFiles,
} from '../../../src/stack/team-alertmanager.js';
import { packageRoot } from '../../../src/stack/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-am-unit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deriveAlertmanagerConfig', () => {
  it('points every receiver at a file under the secrets folder and keeps routes', () => {
    const secrets = path.join(tmp, 'secrets');
    const { yaml, urlFiles } = deriveAlertmanagerConfig(shippedAlertmanagerConfigPath(), secrets);
    const doc = parse(yaml) as {
      templates: string[];
      route: { routes: unknown[] };
      receivers: { name: string; slack_configs: { api_url_file: string }[] }[];
    };
    expect(urlFiles).toEqual(
      ['critical', 'default', 'warning'].map((n) => path.join(secrets, `${n}-webhook-url`)),
    );
    for (const r of doc.receivers)
      for (const c of r.slack_configs) expect(path.dirname(c.api_url_file)).toBe(secrets);
    expect(doc.receivers.map((r) => r.name)).toEqual(['default', 'team-critical', 'team-warning']);
    expect(doc.route.routes.length).toBeGreaterThan(0);
    expect(doc.templates).toEqual([path.join(packageRoot(), 'alertmanager', 'templates', '*.tmpl')]);
  });
});

describe('webhookUrl', () => {
  it('takes the option before the environment and rejects a non-URL without echoing it', () => {
    expect(webhookUrl('https://hooks.example/a', { [WEBHOOK_ENV]: 'https://hooks.example/b' })).toBe(
      'https://hooks.example/a',
    );
    expect(webhookUrl(undefined, { [WEBHOOK_ENV]: 'https://hooks.example/b' })).toBe(
      'https://hooks.example/b',
    );
    expect(webhookUrl(undefined, {})).toBeUndefined();
    expect(() => webhookUrl('secret-token-xyz', {})).toThrow(/^--alert-webhook is not an http\(s\) URL$/);
    try {
      webhookUrl(undefined, { [WEBHOOK_ENV]: 'ftp://secret-token-xyz' });
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-token-xyz');
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
    // The URL parser would drop the newline: refused by the shared parser, still not echoed.
    expect(() => webhookUrl(undefined, { [WEBHOOK_ENV]: 'https://hooks.example/secret\nx' })).toThrow(
      /^CLAUDE_OTEL_ALERT_WEBHOOK_URL is not an http\(s\) URL$/,
    );
    expect.assertions(7);
  });
});

describe('writeWebhookFiles', () => {
  it('writes placeholders, keeps a file the user wrote, and a given URL overwrites all (mode 0600)', () => {
    const dir = path.join(tmp, 'w');
    const [a, b] = [path.join(dir, 'a-webhook-url'), path.join(dir, 'b-webhook-url')] as const;
    writeWebhookFiles([a], undefined);
    expect(fs.readFileSync(a, 'utf8')).toBe(`${PLACEHOLDER_WEBHOOK_URL}\n`);
    fs.writeFileSync(a, 'https://hooks.example/mine\n');
    writeWebhookFiles([a, b], undefined);
    expect(fs.readFileSync(a, 'utf8')).toBe('https://hooks.example/mine\n');
    expect(fs.readFileSync(b, 'utf8')).toBe(`${PLACEHOLDER_WEBHOOK_URL}\n`);
    writeWebhookFiles([a, b], 'https://hooks.example/all');
    for (const f of [a, b]) {
      expect(fs.readFileSync(f, 'utf8')).toBe('https://hooks.example/all\n');
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    }
  });
});
