// Where and whether runs are exported: the standard OTLP environment variables, read once.
// `CLAUDE_OTEL_EXPORT=off` keeps everything in the ledger (unsent) and sends nothing. Values are
// checked by the same parsers as command-line options (config/options.ts, a leaf module).
import {
  MAX_TIMER_MS,
  parseDuration,
  parseHttpUrl,
  parseSwitch,
  parseTimerMs,
  SWITCH_OFF,
} from '../config/options.js';

export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4317';
/** Wall time an export may add to a run when the collector is down or hung. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 2000;

/** How often a running run's spend is exported live (`CLAUDE_OTEL_LIVE_INTERVAL`, `--live-interval`). */
export const DEFAULT_LIVE_INTERVAL_MS = 5000;

export interface ExportConfig {
  enabled: boolean;
  /** Live export of runs in progress: at most one send per this many ms; 0 = off. */
  liveIntervalMs: number;
  /** gRPC endpoint as a URL (`http://host:port`; `https://` means TLS). */
  endpoint: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Throws a usage error (exit 2) naming the variable when a value (switch, endpoint, timeout, interval) is malformed. */
export function resolveExportConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
  const endpointVar = ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'].find((name) =>
    env[name]?.trim(),
  );
  const endpoint = endpointVar
    ? parseHttpUrl(env[endpointVar] ?? '', endpointVar, DEFAULT_OTLP_ENDPOINT)
    : DEFAULT_OTLP_ENDPOINT;
  const timeout = env.CLAUDE_OTEL_EXPORT_TIMEOUT_MS?.trim();
  return {
    enabled: parseSwitch(env.CLAUDE_OTEL_EXPORT, 'CLAUDE_OTEL_EXPORT', true),
    liveIntervalMs: parseLiveInterval(env.CLAUDE_OTEL_LIVE_INTERVAL, 'CLAUDE_OTEL_LIVE_INTERVAL'),
    endpoint,
    headers: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    timeoutMs: timeout ? parseTimerMs(timeout, 'CLAUDE_OTEL_EXPORT_TIMEOUT_MS') : DEFAULT_EXPORT_TIMEOUT_MS,
  };
}

/** A live-export interval: a duration (`5s`, `500ms`), or `off`/`0` for none; unset: the default. */
export function parseLiveInterval(value: string | undefined, flag: string): number {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '') return DEFAULT_LIVE_INTERVAL_MS;
  if (SWITCH_OFF.includes(v)) return 0;
  // One setInterval arms it.
  return parseDuration(v, flag, { maxMs: MAX_TIMER_MS });
}

/** `host:port` → `http://host:port`; keeps the scheme otherwise. */
export function normalizeEndpoint(endpoint: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `k=v,k2=v2`, values URL-encoded (W3C baggage style). */
export function parseHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!value) return headers;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // Not URL-encoded after all: keep it as written.
    }
    if (key) headers[key] = decoded;
  }
  return headers;
}

/** host and port to probe; the default port follows the scheme. */
export function endpointAddress(endpoint: string): { host: string; port: number; tls: boolean } {
  const url = new URL(normalizeEndpoint(endpoint));
  const tls = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : tls ? 443 : 4317;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, tls };
}
