// Alertmanager for `stack up --team`: the shipped alertmanager/alertmanager.yml with its webhook
// URL files moved into the stack's secrets/ folder (compose mounts them at /etc/alertmanager/
// secrets) and its templates made absolute; one URL (--alert-webhook) fills every receiver.
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseHttpUrl } from '../config/options.js';
import { ClaudeOtelError } from '../errors.js';
import { packageRoot } from './tools.js';

/** Written where no URL was given: a loopback discard port, so nothing leaves the machine. */
export const PLACEHOLDER_WEBHOOK_URL = 'http://127.0.0.1:9/claude-otel-set-a-webhook-url';
/** One webhook URL for every receiver, like --alert-webhook. */
export const WEBHOOK_ENV = 'CLAUDE_OTEL_ALERT_WEBHOOK_URL';

export function shippedAlertmanagerConfigPath(): string {
  return path.join(packageRoot(), 'alertmanager', 'alertmanager.yml');
}

interface AmDoc {
  templates?: string[];
  receivers?: { name?: string; [kind: string]: unknown }[];
}

/**
 * The config as the native stack runs it: every `api_url_file` becomes `<secretsDir>/<its file
 * name>`, templates resolve against the shipped config's folder. Returns the YAML and the URL
 * files it reads.
 */
export function deriveAlertmanagerConfig(
  source: string,
  secretsDir: string,
): { yaml: string; urlFiles: string[] } {
  let doc: AmDoc;
  try {
    doc = (parse(fs.readFileSync(source, 'utf8')) as AmDoc) ?? {};
  } catch (error) {
    throw new ClaudeOtelError(`cannot read ${source}: ${(error as Error).message}`, {
      hint: 'reinstall claude-otel: the package ships it',
      cause: error,
    });
  }
  const urlFiles = new Set<string>();
  for (const receiver of doc.receivers ?? []) {
    for (const [kind, configs] of Object.entries(receiver)) {
      if (kind === 'name' || !Array.isArray(configs)) continue;
      for (const c of configs as Record<string, unknown>[]) {
        if (typeof c.api_url_file !== 'string') continue;
        const file = path.join(secretsDir, path.basename(c.api_url_file));
        c.api_url_file = file;
        urlFiles.add(file);
      }
    }
  }
  if (doc.templates) doc.templates = doc.templates.map((t) => path.resolve(path.dirname(source), t));
  return { yaml: stringify(doc, { lineWidth: 0 }), urlFiles: [...urlFiles].sort() };
}

/** The webhook URL to use: the option, else the environment; checked without echoing it (a secret). */
export function webhookUrl(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const value = option ?? env[WEBHOOK_ENV];
  if (value === undefined || value === '') return undefined;
  return parseHttpUrl(value, option !== undefined ? '--alert-webhook' : WEBHOOK_ENV, {
    requireScheme: true,
    secret: true,
    hint: 'give the incoming-webhook URL, e.g. https://hooks.slack.com/services/…',
  });
}

/**
 * Writes each URL file (mode 0600): `url` overwrites them all; without it, a file a user already
 * wrote is kept and a missing one gets the placeholder. Alertmanager reads them at send time.
 */
export function writeWebhookFiles(files: string[], url: string | undefined): void {
  for (const file of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (url === undefined && fs.existsSync(file)) continue;
    fs.writeFileSync(file, `${url ?? PLACEHOLDER_WEBHOOK_URL}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  }
}
