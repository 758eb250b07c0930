// Test harness: real Jaeger v2 with the repo's jaeger/jaeger.yaml on free loopback ports, in-memory
// storage, and readers for its query API (/api/traces, /api/services). Killed by close(), and on
// process exit as a safety net.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type JaegerPorts,
  jaegerArgs,
  jaegerEnv,
  jaegerHealthUrl,
  jaegerQueryUrl,
} from '../../src/stack/jaeger.js';
import { requireTool } from './collector.js';
import { freePorts } from './free-port.js';
import { fetchText, waitFor } from './wait-for.js';

/** A span as Jaeger's query API returns it (times in microseconds). */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: unknown }[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

export interface TestJaeger {
  ports: JaegerPorts;
  /** host:port of the OTLP gRPC receiver (the collector's TRACES_OTLP_ENDPOINT). */
  otlpEndpoint: string;
  queryUrl: string;
  log(): string;
  /** The trace with this id, or undefined while Jaeger does not have it. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
  /** Traces of a service by search (`/api/traces?service=...`). */
  search(service: string, limit?: number): Promise<JaegerTrace[]>;
  services(): Promise<string[]>;
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A span's tag value by key (Jaeger types int64 tags as numbers). */
export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

/** The span's parent span id (its CHILD_OF reference), '' for a root. */
export function parentOf(span: JaegerSpan): string {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '';
}

async function getJson<T>(url: string): Promise<{ status: number; body: T | undefined }> {
  const r = await fetchText(url, 5000);
  try {
    return { status: r.status, body: JSON.parse(r.text) as T };
  } catch {
    return { status: r.status, body: undefined };
  }
}

export async function startJaeger(): Promise<TestJaeger> {
  const bin = requireTool('jaeger');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-jaeger-'));
  const [otlpGrpc, otlpHttp, queryHttp, queryGrpc, health] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ports: JaegerPorts = { otlpGrpc, otlpHttp, queryHttp, queryGrpc, health };
  const logFile = path.join(dir, 'jaeger.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(bin, jaegerArgs(), {
    env: { ...process.env, ...jaegerEnv(ports) },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  running.add(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
    running.delete(child);
  });
  const log = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetchText(jaegerHealthUrl(ports), 1000)).status === 200, {
      timeoutMs: 60_000,
      what: 'the Jaeger health check',
      fatal: () => (exited ? `jaeger ${exited}` : undefined),
    });
  } catch (error) {
    const message = `${(error as Error).message}\n${log()}`;
    await close();
    throw new Error(message);
  }
  const queryUrl = jaegerQueryUrl(ports);
  return {
    ports,
    otlpEndpoint: `127.0.0.1:${otlpGrpc}`,
    queryUrl,
    log,
    async trace(traceId) {
      const r = await getJson<{ data: JaegerTrace[] }>(`${queryUrl}/api/traces/${traceId}`);
      return r.status === 200 ? r.body?.data?.[0] : undefined;
    },
    async search(service, limit = 20) {
      const r = await getJson<{ data: JaegerTrace[] }>(
        `${queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=${limit}&lookback=1h`,
      );
      return r.body?.data ?? [];
    },
    async services() {
      const r = await getJson<{ data: string[] | null }>(`${queryUrl}/api/services`);
      return r.body?.data ?? [];
    },
    close,
  };
}
