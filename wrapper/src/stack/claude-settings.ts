// What `claude-otel setup` writes into Claude Code's settings so plain `claude` sessions export
// to the stack: telemetry switches in the settings' `env`, merged into what is there (in team mode
// with the identity in OTEL_RESOURCE_ATTRIBUTES); with --statusline, the `statusLine` command
// instead; with --hooks, the session hooks (pure).
import { type Identity, identityResourceAttributes } from '../config/identity.js';

export type Settings = Record<string, unknown> & { env?: Record<string, string> };

export function telemetryEnv(endpoint: string): Record<string, string> {
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    // Deltas: the collector holds the running totals (see docs/pipeline.md).
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    // Per-session and per-account labels would make a series per session; the collector drops
    // them too, this keeps them from being sent at all.
    OTEL_METRICS_INCLUDE_SESSION_ID: 'false',
    OTEL_METRICS_INCLUDE_ACCOUNT_UUID: 'false',
  };
}

export interface SettingsChange {
  key: string;
  from: string | undefined;
  to: string;
  /** from/to are JSON already (an object setting), shown as they are. */
  json?: true;
}

/**
 * The settings env with telemetry on; with an identity (team mode), its labels are added to the
 * OTEL_RESOURCE_ATTRIBUTES already there, so plain sessions' claude_code_* series carry them.
 */
export function planSettings(
  existing: Settings,
  endpoint: string,
  identity?: Identity | null,
): { next: Settings; changes: SettingsChange[] } {
  const env = { ...(existing.env ?? {}) };
  const changes: SettingsChange[] = [];
  const wanted = telemetryEnv(endpoint);
  if (identity)
    wanted.OTEL_RESOURCE_ATTRIBUTES = identityResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES, identity);
  for (const [key, to] of Object.entries(wanted)) {
    if (env[key] !== to) changes.push({ key, from: env[key], to });
    env[key] = to;
  }
  return { next: { ...existing, env }, changes };
}

/** Claude Code's statusLine setting that runs `claude-otel statusline` through the given launcher. */
export function statusLineSetting(launcher: string): Record<string, unknown> {
  const quoted = /^[\w./@+-]+$/.test(launcher) ? launcher : `'${launcher.replace(/'/g, "'\\''")}'`;
  return { type: 'command', command: `${quoted} statusline`, padding: 0 };
}

export function planStatusLine(
  existing: Settings,
  launcher: string,
): { next: Settings; changes: SettingsChange[] } {
  const to = statusLineSetting(launcher);
  const from = existing.statusLine === undefined ? undefined : JSON.stringify(existing.statusLine);
  if (from === JSON.stringify(to)) return { next: existing, changes: [] };
  return {
    next: { ...existing, statusLine: to },
    changes: [{ key: 'statusLine', from, to: JSON.stringify(to), json: true }],
  };
}

/** The Claude Code hook events `setup --hooks` installs `claude-otel hook` for. */
export const HOOK_EVENTS = ['SessionEnd', 'Stop'] as const;

/** The hook command that runs `claude-otel hook` through the given launcher (through `node` when
 * the launcher is not executable itself, as the GitHub Action's dist/claude-otel.mjs). */
export function hookCommand(launcher: string, viaNode = false): string {
  const quoted = /^[\w./@+-]+$/.test(launcher) ? launcher : `'${launcher.replace(/'/g, "'\\''")}'`;
  return `${viaNode ? 'node ' : ''}${quoted} hook`;
}

/**
 * Seconds Claude Code gives claude-otel's hook. Without a `timeout` of its own a SessionEnd hook
 * gets 1.5 s, then is killed (measured with Claude Code 2.1): one Node start on a loaded machine
 * can take that, and the session would go unrecorded. The hook returns in ~0.1 s (it starts the
 * recording detached), so the longer budget costs nothing when all is well.
 */
export const HOOK_TIMEOUT_S = 10;

type HookEntry = { matcher?: string; hooks?: { type?: string; command?: string; timeout?: number }[] };

/** A command that runs claude-otel's session hook (any launcher path: an older install's too). */
function isOurHook(command: unknown): boolean {
  return typeof command === 'string' && /claude-otel[\w.-]*'? hook$/.test(command);
}

/**
 * Adds `claude-otel hook` to each event in HOOK_EVENTS, keeping every other hook there is; a
 * claude-otel hook with another launcher or timeout is replaced, one already in place is left as it is.
 */
export function planHooks(
  existing: Settings,
  launcher: string,
  viaNode = false,
): { next: Settings; changes: SettingsChange[] } {
  const command = hookCommand(launcher, viaNode);
  const hooks = { ...((existing.hooks as Record<string, HookEntry[]> | undefined) ?? {}) };
  const changes: SettingsChange[] = [];
  for (const event of HOOK_EVENTS) {
    const entries = Array.isArray(hooks[event]) ? hooks[event] : [];
    const ours = entries.flatMap((e) => e.hooks ?? []).filter((h) => isOurHook(h.command));
    if (ours.length === 1 && ours[0]!.command === command && ours[0]!.timeout === HOOK_TIMEOUT_S) continue;
    const kept = entries
      .map((e) => ({ ...e, hooks: (e.hooks ?? []).filter((h) => !isOurHook(h.command)) }))
      .filter((e) => e.hooks.length > 0);
    const next = [...kept, { hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT_S }] }];
    changes.push({
      key: `hooks.${event}`,
      from: entries.length === 0 ? undefined : JSON.stringify(entries),
      to: JSON.stringify(next),
      json: true,
    });
    hooks[event] = next;
  }
  return { next: changes.length === 0 ? existing : { ...existing, hooks }, changes };
}
