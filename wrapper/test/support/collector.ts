// Test harness: the real OpenTelemetry Collector with the repo's config file on free loopback
// ports, traces and events to temp files. Killed by stop(), and on process exit as a safety net.
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectorConfigArgs, collectorEnv } from '../../src/stack/collector-env.js';
import { findTool, missingToolHint, type ToolName } from '../../src/stack/tools.js';
import { freePorts } from './free-port.js';
import { fetchText, waitFor } from './wait-for.js';

export interface TestCollector {
  /** OTLP gRPC endpoint as a URL. */
  grpcEndpoint: string;
  httpEndpoint: string;
  grpcPort: number;
  /** host:port of the prometheus exporter (for the scrape config). */
  metricsTarget: string;
  tracesFile: string;
  logsFile: string;
  dir: string;
  /** Collector log so far (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its temp directory. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function requireTool(tool: ToolName): string {
  const bin = findTool(tool);
  if (!bin) throw new Error(`the ${tool} binary is missing: ${missingToolHint(tool)}`);
  return bin;
}

/** `collector validate` over these config files (merged in order), with extra environment. */
export function validateCollectorConfig(
  configs: string[],
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  const args = ['validate', ...configs.flatMap((c) => ['--config', c])];
  return spawnSync(requireTool('collector'), args, { encoding: 'utf8', env: { ...process.env, ...env } });
}

export interface CollectorOptions {
  /** host:port of an OTLP gRPC trace store (Jaeger): traces go there as well as to the file. */
  tracesOtlpEndpoint?: string;
  /** Extra collector environment (e.g. the cardinality guard's CLAUDE_OTEL_MAX_USERS). */
  env?: Record<string, string>;
}

export async function startCollector(options: CollectorOptions = {}): Promise<TestCollector> {
  const bin = requireTool('collector');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-collector-'));
  const [grpc, http, prom, health, self] = (await freePorts(5)) as [number, number, number, number, number];
  const tracesFile = path.join(dir, 'traces.jsonl');
  const logsFile = path.join(dir, 'logs.jsonl');
  const logFile = path.join(dir, 'collector.log');
  const env = {
    ...process.env,
    ...collectorEnv({
      otlpGrpc: `127.0.0.1:${grpc}`,
      otlpHttp: `127.0.0.1:${http}`,
      prometheus: `127.0.0.1:${prom}`,
      health: `127.0.0.1:${health}`,
      selfMetricsHost: '127.0.0.1',
      selfMetricsPort: self,
      tracesExporters: options.tracesOtlpEndpoint ? ['otlp_grpc/traces', 'file/traces'] : ['file/traces'],
      ...(options.tracesOtlpEndpoint ? { tracesOtlpEndpoint: options.tracesOtlpEndpoint } : {}),
      tracesFile,
      logsFile,
    }),
    ...options.env,
  };
  let child: ChildProcess | undefined;
  const log = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const harness: TestCollector = {
    grpcEndpoint: `http://127.0.0.1:${grpc}`,
    httpEndpoint: `http://127.0.0.1:${http}`,
    grpcPort: grpc,
    metricsTarget: `127.0.0.1:${prom}`,
    tracesFile,
    logsFile,
    dir,
    log,
    async start() {
      const out = fs.openSync(logFile, 'a');
      child = spawn(bin, collectorConfigArgs(), { env, stdio: ['ignore', out, out] });
      fs.closeSync(out);
      running.add(child);
      const proc = child;
      let exited: string | undefined;
      proc.once('exit', (code, signal) => {
        exited = `exited with ${code ?? signal}`;
        running.delete(proc);
      });
      await waitFor(
        async () => {
          return (await fetchText(`http://127.0.0.1:${health}/`, 1000)).status === 200;
        },
        {
          timeoutMs: 30_000,
          what: 'the collector health check',
          fatal: () => (exited ? `collector ${exited}` : undefined),
        },
      ).catch((error: Error) => {
        proc.kill('SIGKILL');
        throw new Error(`${error.message}\n${log()}`);
      });
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
    close: async () => {},
  };
  harness.close = async () => {
    await harness.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  await harness.start();
  return harness;
}
