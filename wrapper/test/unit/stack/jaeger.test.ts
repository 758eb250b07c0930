// jaeger/jaeger.yaml and wrapper/src/stack/jaeger.ts agree: every listener the config has reads a
// variable the stack sets, so no Jaeger default port (4317, 16686, 13133, 8888: the collector's)
// is left to clash; and the collector settings point its traces pipeline at Jaeger's OTLP port.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectorConfigPath, collectorEnv } from '../../../src/stack/collector-env.js';
import {
  collectorTracesToJaeger,
  DEFAULT_JAEGER_PORTS,
  jaegerConfigPath,
  jaegerEnv,
  jaegerHealthUrl,
} from '../../../src/stack/jaeger.js';

const text = fs.readFileSync(jaegerConfigPath(), 'utf8');

/** Every `endpoint:` value in the config, wherever it sits. */
function endpoints(node: unknown, at = ''): [string, string][] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    k === 'endpoint' && typeof v === 'string'
      ? [[`${at}.${k}`, v] as [string, string]]
      : endpoints(v, `${at}.${k}`),
  );
}

describe('jaeger/jaeger.yaml', () => {
  it('takes every listen address from a variable jaegerEnv sets, and nothing else listens', () => {
    const doc = parse(text) as { service: { telemetry: { metrics: { level: string } } } };
    const found = endpoints(doc);
    expect(found.length).toBe(5);
    const env = jaegerEnv(DEFAULT_JAEGER_PORTS, '127.0.0.1');
    for (const [where, value] of found) {
      const name = /^\$\{env:([A-Z_]+):-[^}]+\}$/.exec(value)?.[1];
      expect(name, `${where} = ${value}`).toBeDefined();
      expect(Object.keys(env), where).toContain(name);
    }
    expect(found.map(([, v]) => /env:([A-Z_]+)/.exec(v)?.[1]).sort()).toEqual(Object.keys(env).sort());
    // Self-metrics would listen on :8888, the collector's.
    expect(doc.service.telemetry.metrics.level).toBe('none');
    // The query service traces itself to localhost:4317 (the collector) unless told not to.
    expect(
      (doc as unknown as { extensions: { jaeger_query: { enable_tracing: boolean } } }).extensions
        .jaeger_query.enable_tracing,
    ).toBe(false);
  });

  it('uses in-memory storage for the query API and the exporter', () => {
    const doc = parse(text) as {
      extensions: {
        jaeger_storage: { backends: Record<string, { memory?: unknown }> };
        jaeger_query: { storage: { traces: string } };
      };
      exporters: { jaeger_storage_exporter: { trace_storage: string } };
    };
    const store = doc.extensions.jaeger_query.storage.traces;
    expect(doc.exporters.jaeger_storage_exporter.trace_storage).toBe(store);
    expect(doc.extensions.jaeger_storage.backends[store]?.memory).toBeDefined();
  });

  it('default ports clash with none of the native stack or compose defaults', () => {
    const ports = Object.values(DEFAULT_JAEGER_PORTS);
    expect(new Set(ports).size).toBe(ports.length);
    for (const taken of [4317, 4318, 8888, 8889, 9090, 13133]) expect(ports).not.toContain(taken);
    expect(jaegerHealthUrl(DEFAULT_JAEGER_PORTS)).toBe(
      `http://127.0.0.1:${DEFAULT_JAEGER_PORTS.health}/status`,
    );
  });

  it("points the collector's traces pipeline at Jaeger's OTLP gRPC port with an exporter the collector config has", () => {
    const env = collectorEnv({
      otlpGrpc: '127.0.0.1:1',
      otlpHttp: '127.0.0.1:2',
      prometheus: '127.0.0.1:3',
      health: '127.0.0.1:4',
      selfMetricsHost: '127.0.0.1',
      selfMetricsPort: 5,
      ...collectorTracesToJaeger(DEFAULT_JAEGER_PORTS),
    });
    expect(env.TRACES_OTLP_ENDPOINT).toBe(`127.0.0.1:${DEFAULT_JAEGER_PORTS.otlpGrpc}`);
    expect(env.CLAUDE_OTEL_TRACES_EXPORTERS).toBe('[otlp_grpc/traces]');
    const collector = parse(fs.readFileSync(collectorConfigPath(), 'utf8')) as {
      exporters: Record<string, { endpoint?: string }>;
    };
    expect(collector.exporters['otlp_grpc/traces']?.endpoint).toContain('env:TRACES_OTLP_ENDPOINT');
    expect(collectorTracesToJaeger(DEFAULT_JAEGER_PORTS, '127.0.0.1', true).tracesExporters).toEqual([
      'otlp_grpc/traces',
      'file/traces',
    ]);
  });
});
