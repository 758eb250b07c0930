// Jaeger v2 as the team's trace store: the ports jaeger/jaeger.yaml reads from the environment,
// the collector settings that point a traces pipeline at it, and a start-up for the native team
// stack (`claude-otel stack up --team`). Its own defaults clash with the collector's ports.
import path from 'node:path';
import type { CollectorAddresses } from './collector-env.js';
import { ensureTool, launch, waitHealthy } from './native-stack.js';
import { packageRoot } from './tools.js';

export interface JaegerPorts {
  /** OTLP receivers: the collectors' traces pipeline sends to otlpGrpc. */
  otlpGrpc: number;
  otlpHttp: number;
  /** Query API and UI (`/api/traces/<id>`, `/api/services`). */
  queryHttp: number;
  queryGrpc: number;
  health: number;
}

/** Beside the native stack's defaults (collector 4317/4318/13133/8888/8889, Prometheus 9090). */
export const DEFAULT_JAEGER_PORTS: JaegerPorts = {
  otlpGrpc: 14317,
  otlpHttp: 14318,
  queryHttp: 16686,
  queryGrpc: 16685,
  health: 13134,
};

export function jaegerConfigPath(): string {
  return path.join(packageRoot(), 'jaeger', 'jaeger.yaml');
}

export function jaegerArgs(): string[] {
  return ['--config', jaegerConfigPath()];
}

/** The variables jaeger/jaeger.yaml reads: every listener on `host`. */
export function jaegerEnv(ports: JaegerPorts, host = '127.0.0.1'): Record<string, string> {
  return {
    JAEGER_OTLP_GRPC: `${host}:${ports.otlpGrpc}`,
    JAEGER_OTLP_HTTP: `${host}:${ports.otlpHttp}`,
    JAEGER_QUERY_HTTP: `${host}:${ports.queryHttp}`,
    JAEGER_QUERY_GRPC: `${host}:${ports.queryGrpc}`,
    JAEGER_HEALTH: `${host}:${ports.health}`,
  };
}

export const jaegerHealthUrl = (ports: JaegerPorts, host = '127.0.0.1'): string =>
  `http://${host}:${ports.health}/status`;

export const jaegerQueryUrl = (ports: JaegerPorts, host = '127.0.0.1'): string =>
  `http://${host}:${ports.queryHttp}`;

/**
 * Collector settings (collectorEnv) whose traces pipeline sends to this Jaeger; `alsoFile` keeps
 * the JSON-lines file exporter too (the native stack's traces.jsonl).
 */
export function collectorTracesToJaeger(
  ports: JaegerPorts,
  host = '127.0.0.1',
  alsoFile = false,
): Pick<CollectorAddresses, 'tracesExporters' | 'tracesOtlpEndpoint'> {
  return {
    tracesExporters: alsoFile ? ['otlp_grpc/traces', 'file/traces'] : ['otlp_grpc/traces'],
    tracesOtlpEndpoint: `${host}:${ports.otlpGrpc}`,
  };
}

export interface StartedJaeger {
  pid: number;
  queryUrl: string;
  /** host:port for collectorEnv's tracesOtlpEndpoint. */
  otlpEndpoint: string;
  log: string;
}

/**
 * Starts Jaeger in the background in `dir` (jaeger.pid, jaeger.log there, like the other native
 * services) and waits until it is healthy. Throws ClaudeOtelError when it has no binary or fails.
 */
export async function startJaeger(options: {
  dir: string;
  env?: NodeJS.ProcessEnv;
  ports?: Partial<JaegerPorts>;
  build?: boolean;
}): Promise<StartedJaeger> {
  const env = options.env ?? process.env;
  const ports = { ...DEFAULT_JAEGER_PORTS, ...options.ports };
  const bin = ensureTool('jaeger', env, options.build ?? true);
  const pid = launch(options.dir, 'jaeger', bin, jaegerArgs(), { ...env, ...jaegerEnv(ports) });
  const log = path.join(options.dir, 'jaeger.log');
  await waitHealthy(jaegerHealthUrl(ports), pid, 'Jaeger', log);
  return {
    pid,
    queryUrl: jaegerQueryUrl(ports),
    otlpEndpoint: `127.0.0.1:${ports.otlpGrpc}`,
    log,
  };
}
