// Test harness: real Jaeger v2 with the repo's jaeger/jaeger.yaml on free loopback ports, in-memory
// storage, and readers for its query API (/api/traces, /api/services). Killed by close(), and on
// process exit as a safety net.
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
import { awaitReady, spawnService } from './service.js';
import { fetchText } from './wait-for.js';

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
  const service = spawnService('jaeger', bin, jaegerArgs(), {
    logFile: path.join(dir, 'jaeger.log'),
    env: { ...process.env, ...jaegerEnv(ports) },
  });
  const log = () => service.log(4000);
  const close = async () => {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await awaitReady(service, jaegerHealthUrl(ports), {
      timeoutMs: 60_000,
      what: 'the Jaeger health check',
      logChars: 4000,
    });
  } catch (error) {
    await close();
    throw error;
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
