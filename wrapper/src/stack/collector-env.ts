// The environment variables collector/otel-collector-config.yaml reads, built from addresses:
// one config file serves compose, the native stack and tests on free ports (our own build adds
// the cardinality-guard.yaml overlay).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ClaudeOtelError } from '../errors.js';
import { packageRoot, setupScript } from './tools.js';

export interface CollectorAddresses {
  /** host:port of each listener. */
  otlpGrpc: string;
  otlpHttp: string;
  prometheus: string;
  health: string;
  selfMetricsHost: string;
  selfMetricsPort: number;
  /** Trace exporters of the traces pipeline, e.g. ['file/traces']. */
  tracesExporters?: string[];
  tracesFile?: string;
  tracesOtlpEndpoint?: string;
  logsFile?: string;
  logLevel?: string;
}

export function collectorConfigPath(): string {
  return path.join(packageRoot(), 'collector', 'otel-collector-config.yaml');
}

/** The overlay that adds team mode's cardinality guard (a component only our build has). */
export function cardinalityGuardConfigPath(): string {
  return path.join(packageRoot(), 'collector', 'cardinality-guard.yaml');
}

/** How our collector build is started: the shared pipeline, then the cardinality guard overlay. */
export function collectorConfigArgs(): string[] {
  return ['--config', collectorConfigPath(), '--config', cardinalityGuardConfigPath()];
}

/**
 * Refuses, in one line, a collector built before the cardinality guard existed (a cached build
 * from an older checkout): it would fail on the overlay with a decoding error in its log.
 */
export function assertCollectorHasGuard(bin: string): void {
  const out = spawnSync(bin, ['components'], { encoding: 'utf8', timeout: 10_000 });
  if (out.status === 0 && !out.stdout.includes('cardinalityguard'))
    throw new ClaudeOtelError(`the collector at ${bin} was built without the cardinality guard`, {
      hint: `rebuild it: bash ${setupScript()}`,
    });
}

export function collectorEnv(a: CollectorAddresses): Record<string, string> {
  const env: Record<string, string> = {
    CLAUDE_OTEL_OTLP_GRPC: a.otlpGrpc,
    CLAUDE_OTEL_OTLP_HTTP: a.otlpHttp,
    CLAUDE_OTEL_PROM_EXPORTER: a.prometheus,
    CLAUDE_OTEL_HEALTH: a.health,
    CLAUDE_OTEL_SELF_METRICS_HOST: a.selfMetricsHost,
    CLAUDE_OTEL_SELF_METRICS_PORT: String(a.selfMetricsPort),
  };
  if (a.tracesExporters) env.CLAUDE_OTEL_TRACES_EXPORTERS = `[${a.tracesExporters.join(', ')}]`;
  if (a.tracesFile) env.TRACES_FILE = a.tracesFile;
  if (a.tracesOtlpEndpoint) env.TRACES_OTLP_ENDPOINT = a.tracesOtlpEndpoint;
  if (a.logsFile) env.LOGS_FILE = a.logsFile;
  if (a.logLevel) env.CLAUDE_OTEL_COLLECTOR_LOG_LEVEL = a.logLevel;
  return env;
}
