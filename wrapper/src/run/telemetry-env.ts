// The environment Claude Code runs with: its OpenTelemetry switches turned on, pointed at the
// collector, with delta temporality and per-session ids kept out of metric attributes. Anything
// the user already set wins; the user's prompts reach telemetry only with --store-prompts. In team
// mode the run's identity goes into OTEL_RESOURCE_ATTRIBUTES (resolved, e.g. pseudonymised).

import { type Identity, identityResourceAttributes } from '../config/identity.js';
import { WRAPPED_ENV } from '../config/wrapped-env.js';
import { DEFAULT_OTLP_ENDPOINT, resolveExportConfig } from '../export/config.js';

export interface TelemetryEnvOptions {
  storePrompts: boolean;
  traceparent?: string;
  /** The wrapper's run id: tells claude-otel's session hook (run by this Claude Code) that the
   * wrapper records this session itself. */
  runId?: string;
  /** Team mode: Claude Code's own claude_code.* series carry it as resource attributes. */
  identity?: Identity | null;
}

export function telemetryDefaults(options: TelemetryEnvOptions): Record<string, string> {
  const defaults: Record<string, string> = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_ENDPOINT: DEFAULT_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    OTEL_METRICS_INCLUDE_SESSION_ID: 'false',
    OTEL_METRICS_INCLUDE_ACCOUNT_UUID: 'false',
  };
  if (options.storePrompts) defaults.OTEL_LOG_USER_PROMPTS = '1';
  return defaults;
}

/**
 * How long Claude Code may wait for its own exporters when it exits: half the export bound. The
 * wrapper's export gets what is left of the bound, counted from Claude Code's result, less a
 * reserve for its own exit (run/export-step.ts), so a hung collector adds at most the bound in all
 * (Claude Code's default, 2 s, came on top of it).
 */
export function claudeShutdownTimeoutMs(env: NodeJS.ProcessEnv): number {
  return Math.max(1, Math.floor(resolveExportConfig(env).timeoutMs / 2));
}

/** The child's environment: the user's, plus every telemetry default the user did not set. */
export function claudeEnv(base: NodeJS.ProcessEnv, options: TelemetryEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  const defaults = {
    ...telemetryDefaults(options),
    CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS: String(claudeShutdownTimeoutMs(base)),
  };
  for (const [key, value] of Object.entries(defaults)) {
    if (env[key] === undefined || env[key] === '') env[key] = value;
  }
  if (options.traceparent && !base.TRACEPARENT) env.TRACEPARENT = options.traceparent;
  if (options.runId) env[WRAPPED_ENV] = options.runId;
  if (options.identity)
    env.OTEL_RESOURCE_ATTRIBUTES = identityResourceAttributes(
      base.OTEL_RESOURCE_ATTRIBUTES,
      options.identity,
    );
  return env;
}
