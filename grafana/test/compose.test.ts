// docker-compose.yml validates against the Compose Specification schema and keeps the stack's
// promises: pinned images, loopback-only ports, the admin password from the environment, named
// volumes, health checks, and mounts and hostnames that match the other config files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { composeValidator, errorsText, ROOT } from './support/schemas.js';

interface Service {
  image: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  extra_hosts?: string[];
}
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);
const readYaml = (rel: string) => parse(readFileSync(join(ROOT, rel), 'utf8'));

describe('docker-compose.yml', () => {
  test('validates against the Compose Specification schema', () => {
    const validate = composeValidator();
    expect(validate(compose), errorsText(validate)).toBe(true);
    // The validator is live: an unknown service key is rejected.
    expect(validate({ services: { x: { image: 'a:1', imagee: 'typo' } } })).toBe(false);
  });

  test('runs the collector, Prometheus, Grafana and Tempo, plus Prometheus for the serve profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'grafana',
      'otel-collector',
      'prometheus',
      'prometheus-serve',
      'tempo',
    ]);
    expect(compose.services['prometheus-serve']?.profiles).toEqual(['serve']);
    expect(services.filter(([n]) => n !== 'prometheus-serve').every(([, s]) => !s.profiles)).toBe(true);
  });

  test('every image is pinned to a version', () => {
    const images = Object.fromEntries(services.map(([n, s]) => [n, s.image]));
    expect(images['otel-collector']).toBe('otel/opentelemetry-collector-contrib:0.155.0');
    expect(images.prometheus).toMatch(/^prom\/prometheus:v3\.\d+\.\d+$/);
    expect(images['prometheus-serve']).toBe(images.prometheus);
    expect(images.grafana).toMatch(/^grafana\/grafana:1[23]\.\d+\.\d+$/);
    expect(images.tempo).toMatch(/^grafana\/tempo:\d+\.\d+\.\d+$/);
  });

  test('every published port is bound to 127.0.0.1', () => {
    const ports = services.flatMap(([, s]) => s.ports ?? []);
    expect(ports.length).toBeGreaterThanOrEqual(6);
    expect(ports.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  test('the Grafana admin password must come from the environment', () => {
    const env = compose.services.grafana?.environment ?? {};
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });

  test('data lives in declared named volumes; config is bind-mounted read-only from files that exist', () => {
    const named = new Set(Object.keys(compose.volumes));
    for (const [name, s] of services) {
      for (const v of s.volumes ?? []) {
        const [src, , mode] = v.split(':');
        if (src?.startsWith('./')) {
          expect(existsSync(join(ROOT, src)), `${name}: ${src}`).toBe(true);
          expect(mode, `${name}: ${v} read-only`).toBe('ro');
        } else {
          expect(named.has(src ?? ''), `${name}: volume ${src} declared`).toBe(true);
        }
      }
    }
    const mounts = services.flatMap(([, s]) => s.volumes ?? []);
    expect(mounts).toEqual(
      expect.arrayContaining([
        './collector/otel-collector-config.yaml:/etc/otelcol-contrib/config.yaml:ro',
        './prometheus:/etc/prometheus:ro',
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/etc/grafana/dashboards:ro',
      ]),
    );
  });

  test('health checks on every service whose image can run one', () => {
    // otel/opentelemetry-collector-contrib has no shell or HTTP client to probe :13133 with.
    const without = services.filter(([, s]) => !s.healthcheck).map(([n]) => n);
    expect(without).toEqual(['otel-collector']);
    expect(compose.services.grafana?.depends_on?.prometheus?.condition).toBe('service_healthy');
  });

  test('Prometheus runs with the flags exact window totals need, and the serve config', () => {
    for (const name of ['prometheus', 'prometheus-serve']) {
      expect(compose.services[name]?.command).toContain(
        '--enable-feature=created-timestamp-zero-ingestion,promql-experimental-functions',
      );
    }
    expect(compose.services['prometheus-serve']?.command).toContain(
      '--config.file=/etc/prometheus/prometheus.serve.yml',
    );
    expect(compose.services['prometheus-serve']?.extra_hosts).toEqual(['host.docker.internal:host-gateway']);
  });

  test('hostnames and paths agree with prometheus.yml, the collector and Grafana provisioning', () => {
    const prom = readFileSync(join(ROOT, 'prometheus/prometheus.yml'), 'utf8');
    expect(prom).toContain('"otel-collector:8889"');
    expect(compose.services['otel-collector']?.environment?.TRACES_OTLP_ENDPOINT).toBe('tempo:4317');
    const ds = readYaml('grafana/provisioning/datasources/datasources.yaml') as {
      datasources: Array<{ url: string }>;
    };
    for (const d of ds.datasources) {
      const host = new URL(d.url).hostname;
      expect(Object.keys(compose.services), d.url).toContain(host);
    }
    const providers = readYaml('grafana/provisioning/dashboards/claude-otel.yaml') as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(providers.providers[0]?.options.path).toBe('/etc/grafana/dashboards');
    const home = compose.services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(existsSync(join(ROOT, 'grafana/dashboards', home.replace('/etc/grafana/dashboards/', '')))).toBe(
      true,
    );
  });
});
