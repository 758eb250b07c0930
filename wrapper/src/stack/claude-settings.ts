// What `claude-otel setup` writes into Claude Code's settings so plain `claude` sessions export
// to the stack: telemetry switches in the settings' `env`, merged into what is there (pure).
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
}

export function planSettings(
  existing: Settings,
  endpoint: string,
): { next: Settings; changes: SettingsChange[] } {
  const env = { ...(existing.env ?? {}) };
  const changes: SettingsChange[] = [];
  for (const [key, to] of Object.entries(telemetryEnv(endpoint))) {
    if (env[key] !== to) changes.push({ key, from: env[key], to });
    env[key] = to;
  }
  return { next: { ...existing, env }, changes };
}
