// docker-compose.yml checked by Docker Compose's own loader (`docker-compose config`, built by
// scripts/setup-tools.sh): the file and every profile load, a broken copy and a missing password
// are refused, and the loaded model keeps the stack's promises: pinned images, loopback ports by
// default, no port clashes between profiles, read-only config mounts of files that exist, health
// checks, and names that agree with the config files the services read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { QUERY_FLAGS, SCRAPER_FLAGS } from '../../wrapper/src/stack/team-config.js';
import { defaultConfig } from '../src/config.js';
import { THANOS_DASHBOARDS_DIR } from '../src/generate.js';
import { ROOT } from './support/schemas.js';
import { toolPath } from './support/tools.js';

interface Port {
  host_ip?: string;
  published?: string;
  target: number;
}
interface Mount {
  type: 'bind' | 'volume';
  source: string;
  target: string;
  read_only?: boolean;
}
interface Service {
  image: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: Mount[];
  ports?: Port[];
  configs?: { source: string; target: string }[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  extra_hosts?: string[] | Record<string, string>;
}
interface Model {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { content?: string }>;
}

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const tmp = mkdtempSync(join(tmpdir(), 'claude-otel-compose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PASSWORD = 'test-only-password';

/** Runs the real loader with a clean environment (the caller's shell must not change the result). */
function compose(
  args: string[],
  env: Record<string, string> = { GRAFANA_ADMIN_PASSWORD: PASSWORD },
  file = COMPOSE_FILE,
) {
  const r = spawnSync(
    toolPath('CLAUDE_OTEL_COMPOSE_BIN'),
    ['-f', file, '--project-directory', ROOT, '-p', 'claude-otel-test', ...args],
    { env: { PATH: '/usr/bin:/bin', HOME: tmp, ...env }, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').trim() };
}

function model(profiles: string[], env: Record<string, string> = {}): Model {
  const r = compose([...profiles.flatMap((p) => ['--profile', p]), 'config', '--format', 'json'], {
    GRAFANA_ADMIN_PASSWORD: PASSWORD,
    ...env,
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Model;
}

const BASE = ['grafana', 'otel-collector', 'prometheus', 'tempo'];
const TEAM_COLLECTORS = ['otel-collector-1', 'otel-collector-2', 'otel-collector-3'];
const TEAM = [
  ...TEAM_COLLECTORS,
  'otlp-balancer',
  'prometheus-team',
  'thanos-receive-1',
  'thanos-receive-2',
  'thanos-query',
  'alertmanager',
  'jaeger',
  'grafana-team',
];
const EXPECTED_SERVICES: Record<string, string[]> = {
  '': BASE,
  serve: [...BASE, 'prometheus-serve'],
  team: [...BASE, ...TEAM],
};

const raw = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const all = model(['serve', 'team']);
const services = Object.entries(all.services);
const svc = (name: string): Service => {
  const s = all.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
const readRepo = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
/** The value of `--name=value` in a service's command. */
const flag = (s: Service, name: string): string[] =>
  (s.command ?? []).filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
/** The default of `${env:NAME:-default}` in a config file. */
const envDefault = (text: string, name: string): string | undefined =>
  new RegExp(`\\$\\{env:${name}:-([^}]+)\\}`).exec(text)?.[1];

describe('docker-compose.yml, loaded by docker-compose itself', () => {
  test('the file loads (`config -q`), and every profile loads with exactly its services', () => {
    expect(compose(['config', '-q'])).toMatchObject({ code: 0, stderr: '' });
    // Every profile the file declares is checked here: a new profile fails this until it is.
    const declared = [...new Set(Object.values(raw.services).flatMap((s) => s.profiles ?? []))].sort();
    expect(declared).toEqual(Object.keys(EXPECTED_SERVICES).filter(Boolean));
    for (const [profile, expected] of Object.entries(EXPECTED_SERVICES)) {
      const r = compose([...(profile ? ['--profile', profile] : []), 'config', '--services']);
      expect(r.code, `${profile}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim().split('\n').sort(), profile || '(no profile)').toEqual([...expected].sort());
      const q = compose([...(profile ? ['--profile', profile] : []), 'config', '-q']);
      expect(q, profile).toMatchObject({ code: 0, stderr: '' });
    }
  });

  test('without GRAFANA_ADMIN_PASSWORD it refuses in one line that names the variable', () => {
    for (const profiles of [[], ['--profile', 'team']]) {
      const r = compose([...profiles, 'config', '-q'], {});
      expect(r.code).not.toBe(0);
      expect(r.stderr.split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain('GRAFANA_ADMIN_PASSWORD');
    }
  });

  test('a broken copy is refused: an unknown key, and a team service depending on one that is gone', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const typo = join(tmp, 'typo.yml');
    writeFileSync(typo, text.replace('    restart: unless-stopped\n', '    restartt: unless-stopped\n'));
    const a = compose(['config', '-q'], { GRAFANA_ADMIN_PASSWORD: PASSWORD }, typo);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('restartt');

    // Jaeger's block removed: the team collectors (and Grafana) still depend on it.
    const start = text.indexOf('\n  jaeger:\n');
    const end = text.indexOf('\n\n', start + 1);
    expect(start).toBeGreaterThan(0);
    const noJaeger = join(tmp, 'no-jaeger.yml');
    writeFileSync(noJaeger, text.slice(0, start) + text.slice(end));
    const b = compose(['--profile', 'team', 'config', '-q'], { GRAFANA_ADMIN_PASSWORD: PASSWORD }, noJaeger);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toContain('jaeger');
  });

  test('every image is pinned to a version', () => {
    const images = Object.fromEntries(services.map(([n, s]) => [n, s.image]));
    expect(images['otel-collector']).toBe('otel/opentelemetry-collector-contrib:0.155.0');
    // The team replicas run our collector build (the stock components plus the cardinality guard),
    // tagged with the contrib version whose components it pins.
    for (const c of TEAM_COLLECTORS) expect(images[c]).toBe('claude-otel-collector:0.155.0');
    expect(images.prometheus).toMatch(/^prom\/prometheus:v3\.\d+\.\d+$/);
    expect(images['prometheus-serve']).toBe(images.prometheus);
    expect(images['prometheus-team']).toBe(images.prometheus);
    expect(images.grafana).toMatch(/^grafana\/grafana:1[23]\.\d+\.\d+$/);
    expect(images['grafana-team']).toBe(images.grafana);
    expect(images.tempo).toMatch(/^grafana\/tempo:\d+\.\d+\.\d+$/);
    for (const t of ['thanos-receive-1', 'thanos-receive-2', 'thanos-query'])
      expect(images[t]).toBe('quay.io/thanos/thanos:v0.42.5');
    expect(images.alertmanager).toMatch(/^prom\/alertmanager:v0\.\d+\.\d+$/);
    expect(images.jaeger).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(images['otlp-balancer']).toMatch(/^haproxy:\d+\.\d+\.\d+-alpine$/);
  });

  test('every published port binds 127.0.0.1 unless CLAUDE_OTEL_TEAM_BIND opens the team ports; none clash', () => {
    const ports = services.flatMap(([n, s]) => (s.ports ?? []).map((p) => ({ service: n, ...p })));
    expect(ports.length).toBeGreaterThanOrEqual(14);
    expect(ports.filter((p) => p.host_ip !== '127.0.0.1')).toEqual([]);
    // All profiles at once: the team tier runs beside the single-node stack.
    const published = ports.map((p) => p.published);
    expect(published.filter((p, i) => published.indexOf(p) !== i)).toEqual([]);

    const open = model(['serve', 'team'], { CLAUDE_OTEL_TEAM_BIND: '192.0.2.10' });
    const moved = Object.entries(open.services)
      .filter(([, s]) => (s.ports ?? []).some((p) => p.host_ip === '192.0.2.10'))
      .map(([n]) => n)
      .sort();
    expect(moved).toEqual(TEAM.filter((n) => svc(n).ports).sort());
    for (const n of [...BASE, 'prometheus-serve'])
      expect(
        open.services[n]?.ports?.every((p) => p.host_ip === '127.0.0.1'),
        n,
      ).toBe(true);
  });

  test('data lives in declared named volumes; config is bind-mounted read-only from files that exist', () => {
    const named = new Set(Object.keys(all.volumes ?? {}));
    for (const [name, s] of services) {
      for (const v of s.volumes ?? []) {
        if (v.type === 'bind') {
          expect(v.source.startsWith(ROOT), `${name}: ${v.source}`).toBe(true);
          expect(existsSync(v.source), `${name}: ${v.source}`).toBe(true);
          expect(v.read_only, `${name}: ${v.source} read-only`).toBe(true);
        } else {
          expect(named.has(v.source), `${name}: volume ${v.source} declared`).toBe(true);
        }
      }
    }
    const mounts = services
      .flatMap(([, s]) => s.volumes ?? [])
      .map((v) => `${v.source.replace(ROOT, '.')}:${v.target}`);
    expect(mounts).toEqual(
      expect.arrayContaining([
        './collector/otel-collector-config.yaml:/etc/otelcol-contrib/config.yaml',
        './prometheus:/etc/prometheus',
        './grafana/provisioning:/etc/grafana/provisioning',
        './grafana/dashboards:/etc/grafana/dashboards',
        './thanos:/etc/thanos',
        './alertmanager:/etc/alertmanager',
        './jaeger/jaeger.yaml:/etc/jaeger/jaeger.yaml',
        './compose/otlp-balancer.cfg:/usr/local/etc/haproxy/haproxy.cfg',
      ]),
    );
  });

  test('the Grafana admin password must come from the environment, in both Grafanas', () => {
    for (const name of ['grafana', 'grafana-team']) {
      expect(raw.services[name]?.environment?.GF_SECURITY_ADMIN_PASSWORD).toMatch(
        /^\$\{GRAFANA_ADMIN_PASSWORD:\?/,
      );
      expect(svc(name).environment?.GF_SECURITY_ADMIN_PASSWORD).toBe(PASSWORD);
    }
  });

  test('health checks on every service whose image can run one', () => {
    // The collector image has no shell or HTTP client; HAProxy in TCP mode has no HTTP endpoint
    // and checks the replicas itself.
    const without = services.filter(([, s]) => !s.healthcheck).map(([n]) => n);
    expect(without.sort()).toEqual(['otel-collector', ...TEAM_COLLECTORS, 'otlp-balancer'].sort());
    expect(svc('grafana').depends_on?.prometheus?.condition).toBe('service_healthy');
    expect(svc('grafana-team').depends_on?.['thanos-query']?.condition).toBe('service_healthy');
  });

  test('Prometheus runs with the flags exact window totals need, and its config for each role', () => {
    for (const name of ['prometheus', 'prometheus-serve', 'prometheus-team']) {
      expect(svc(name).command).toContain(
        '--enable-feature=created-timestamp-zero-ingestion,promql-experimental-functions',
      );
    }
    expect(flag(svc('prometheus-serve'), 'config.file')).toEqual(['/etc/prometheus/prometheus.serve.yml']);
    expect(flag(svc('prometheus-team'), 'config.file')).toEqual(['/etc/prometheus/prometheus.team.yml']);
    expect(svc('prometheus-serve').extra_hosts).toEqual(['host.docker.internal=host-gateway']);
  });

  test('hostnames and paths agree with prometheus.yml, the collector and Grafana provisioning', () => {
    expect(readRepo('prometheus/prometheus.yml')).toContain('"otel-collector:8889"');
    expect(svc('otel-collector').environment?.TRACES_OTLP_ENDPOINT).toBe('tempo:4317');
    const ds = parse(readRepo('grafana/provisioning/datasources/datasources.yaml')) as {
      datasources: Array<{ url: string }>;
    };
    for (const d of ds.datasources)
      expect(Object.keys(all.services), d.url).toContain(new URL(d.url).hostname);
    const providers = parse(readRepo('grafana/provisioning/dashboards/claude-otel.yaml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(providers.providers[0]?.options.path).toBe('/etc/grafana/dashboards');
    for (const name of ['grafana', 'grafana-team']) {
      const home = svc(name).environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
      expect(
        existsSync(join(ROOT, 'grafana/dashboards', home.replace('/etc/grafana/dashboards/', ''))),
        name,
      ).toBe(true);
    }
  });
});

describe('the team profile agrees with the files it mounts', () => {
  test('three identical collector replicas send traces to Jaeger with an exporter the collector config has', () => {
    const [first, ...rest] = TEAM_COLLECTORS.map(svc);
    for (const s of rest) {
      expect(s.image).toBe(first?.image);
      expect(s.command).toEqual(first?.command);
      expect(s.volumes).toEqual(first?.volumes);
      expect(s.environment).toEqual(first?.environment);
    }
    expect(first?.volumes?.map((v) => v.source)).toEqual([
      join(ROOT, 'collector/otel-collector-config.yaml'),
      join(ROOT, 'collector/cardinality-guard.yaml'),
    ]);
    // Built from collector/Dockerfile, loading the shared pipeline and then the guard overlay from
    // the mounted files (the order the native stack uses: collectorConfigArgs).
    expect((first as { build?: { context?: string } })?.build?.context).toBe(join(ROOT, 'collector'));
    expect(existsSync(join(ROOT, 'collector/Dockerfile'))).toBe(true);
    const mounted = new Map(first?.volumes?.map((v) => [v.target, v.source]));
    const configs = (first?.command ?? []).map((a: string) => /^--config=(.+)$/.exec(a)?.[1]);
    expect(configs.map((c: string | undefined) => (c ? mounted.get(c) : undefined))).toEqual([
      join(ROOT, 'collector/otel-collector-config.yaml'),
      join(ROOT, 'collector/cardinality-guard.yaml'),
    ]);
    for (const limit of ['CLAUDE_OTEL_MAX_TEAMS', 'CLAUDE_OTEL_MAX_USERS', 'CLAUDE_OTEL_MAX_PROJECTS'])
      expect(readRepo('collector/cardinality-guard.yaml')).toContain(limit);
    expect(first?.ports ?? []).toEqual([]);
    const [host, port] = (first?.environment?.TRACES_OTLP_ENDPOINT ?? '').split(':');
    expect(host).toBe('jaeger');
    const jaegerYaml = readRepo('jaeger/jaeger.yaml');
    expect(envDefault(jaegerYaml, 'JAEGER_OTLP_GRPC')).toBe(`0.0.0.0:${port}`);
    const exporters = /^\[(.*)\]$/
      .exec(first?.environment?.CLAUDE_OTEL_TRACES_EXPORTERS ?? '')?.[1]
      ?.split(/,\s*/);
    expect(exporters).toEqual(['otlp_grpc/traces']);
    const collector = parse(readRepo('collector/otel-collector-config.yaml')) as {
      exporters: Record<string, unknown>;
    };
    for (const e of exporters ?? []) expect(Object.keys(collector.exporters)).toContain(e);
  });

  test("the balancer's servers are the three replicas' OTLP ports, and it listens where compose publishes", () => {
    const cfg = readRepo('compose/otlp-balancer.cfg');
    const servers = [...cfg.matchAll(/^\s*server\s+\S+\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(servers.sort()).toEqual(TEAM_COLLECTORS.flatMap((c) => [`${c}:4317`, `${c}:4318`]).sort());
    const binds = [...cfg.matchAll(/^\s*bind\s+:(\d+)/gm)].map((m) => Number(m[1]));
    expect(
      svc('otlp-balancer')
        .ports?.map((p) => p.target)
        .sort(),
    ).toEqual(binds.sort());
    const collector = readRepo('collector/otel-collector-config.yaml');
    expect(envDefault(collector, 'CLAUDE_OTEL_OTLP_GRPC')).toBe('0.0.0.0:4317');
    expect(envDefault(collector, 'CLAUDE_OTEL_OTLP_HTTP')).toBe('0.0.0.0:4318');
  });

  test('prometheus.team.yml scrapes each replica, remote-writes to a receive node and alerts Alertmanager; promtool accepts it', () => {
    const doc = parse(readRepo('prometheus/prometheus.team.yml')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
      remote_write: { url: string }[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    };
    const job = doc.scrape_configs.find((c) => c.job_name === 'otel-collector');
    const metricsPort = envDefault(
      readRepo('collector/otel-collector-config.yaml'),
      'CLAUDE_OTEL_PROM_EXPORTER',
    )?.split(':')[1];
    expect(job?.static_configs.flatMap((c) => c.targets).sort()).toEqual(
      TEAM_COLLECTORS.map((c) => `${c}:${metricsPort}`),
    );
    const receives = ['thanos-receive-1', 'thanos-receive-2'];
    expect(doc.remote_write.length).toBeGreaterThan(0);
    for (const w of doc.remote_write) {
      const url = new URL(w.url);
      expect(receives).toContain(url.hostname);
      expect(flag(svc(url.hostname), 'remote-write.address')).toEqual([`0.0.0.0:${url.port}`]);
      expect(url.pathname).toBe('/api/v1/receive');
    }
    const am = doc.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets));
    expect(am).toEqual(['alertmanager:9093']);
    expect(svc('alertmanager').command).toContain('--web.listen-address=:9093');
    const r = spawnSync(
      toolPath('CLAUDE_OTEL_PROMTOOL_BIN'),
      ['check', 'config', 'prometheus/prometheus.team.yml'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  test('thanos/hashrings.json names both receive nodes as they name themselves, and query reads both', () => {
    const rings = JSON.parse(readRepo('thanos/hashrings.json')) as {
      endpoints: (string | { address: string })[];
    }[];
    const endpoints = rings
      .flatMap((r) => r.endpoints)
      .map((e) => (typeof e === 'string' ? e : e.address))
      .sort();
    const nodes = ['thanos-receive-1', 'thanos-receive-2'];
    expect(nodes.flatMap((n) => flag(svc(n), 'receive.local-endpoint')).sort()).toEqual(endpoints);
    for (const n of nodes) {
      expect(flag(svc(n), 'receive.hashrings-file')).toEqual(['/etc/thanos/hashrings.json']);
      expect(flag(svc(n), 'grpc-address')).toEqual([
        `0.0.0.0:${flag(svc(n), 'receive.local-endpoint')[0]?.split(':')[1]}`,
      ]);
      // Each node labels its blocks uniquely, as Thanos receive requires.
      expect(flag(svc(n), 'label')).toEqual([`receive_replica="${n}"`]);
    }
    expect(flag(svc('thanos-query'), 'endpoint').sort()).toEqual(endpoints);
  });

  test('Grafana in the team tier reads Thanos query under the uid the dashboards use, plus Jaeger and Alertmanager', () => {
    const g = svc('grafana-team');
    expect(g.configs).toEqual([
      {
        source: 'grafana-team-datasources',
        target: '/etc/grafana/provisioning/datasources/datasources.yaml',
      },
    ]);
    const ds = parse(all.configs?.['grafana-team-datasources']?.content ?? '') as {
      datasources: { uid: string; type: string; url: string; isDefault?: boolean }[];
    };
    const byUid = Object.fromEntries(ds.datasources.map((d) => [d.uid, d]));
    const prom = byUid['claude-otel-prometheus'];
    expect(prom?.type).toBe('prometheus');
    expect(prom?.isDefault).toBe(true);
    const url = new URL(prom?.url ?? 'http://none');
    expect(url.hostname).toBe('thanos-query');
    expect(flag(svc('thanos-query'), 'http-address')).toEqual([`0.0.0.0:${url.port}`]);
    for (const d of ds.datasources) expect(Object.keys(all.services)).toContain(new URL(d.url).hostname);
    expect(new URL(byUid['claude-otel-jaeger']?.url ?? '').port).toBe(
      envDefault(readRepo('jaeger/jaeger.yaml'), 'JAEGER_QUERY_HTTP')?.split(':')[1],
    );
    // The dashboards pick their Prometheus by this uid.
    for (const file of readdirSync(join(ROOT, 'grafana/dashboards'))) {
      const dash = JSON.parse(readRepo(`grafana/dashboards/${file}`)) as {
        templating: { list: { type: string; current?: { value?: string } }[] };
      };
      const variable = dash.templating.list.find((v) => v.type === 'datasource');
      expect(variable?.current?.value, file).toBe('claude-otel-prometheus');
    }
  });

  test("Jaeger and Alertmanager read the repo's config files; Jaeger's health check uses its config's port", () => {
    expect(svc('jaeger').command).toEqual(['--config=/etc/jaeger/jaeger.yaml']);
    const health = envDefault(readRepo('jaeger/jaeger.yaml'), 'JAEGER_HEALTH')?.split(':')[1];
    expect(svc('jaeger').healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${health}/status`);
    expect(flag(svc('alertmanager'), 'config.file')).toEqual(['/etc/alertmanager/alertmanager.yml']);
    expect(existsSync(join(ROOT, 'alertmanager/alertmanager.yml'))).toBe(true);
  });

  test('Thanos query runs the engine and x-functions the Thanos dashboards need, as `stack up --team` does', () => {
    const q = svc('thanos-query');
    for (const f of QUERY_FLAGS) expect(q.command, f).toContain(f);
    // Deduplicates on the label each receive node sets on itself.
    const replicaLabel = flag(q, 'query.replica-label');
    expect(replicaLabel).toHaveLength(1);
    for (const n of ['thanos-receive-1', 'thanos-receive-2']) {
      expect(flag(svc(n), 'label')[0]?.split('=')[0]).toBe(replicaLabel[0]);
    }
  });

  test("Grafana in the team tier provisions the dashboards' Thanos flavour (no `anchored`)", () => {
    const g = svc('grafana-team');
    const mount = (g.volumes ?? []).find((v) => v.target === '/etc/grafana/dashboards');
    expect(mount?.source.replace(ROOT, '.')).toBe(`./${THANOS_DASHBOARDS_DIR}`);
    const files = readdirSync(join(ROOT, THANOS_DASHBOARDS_DIR)).sort();
    expect(files).toEqual(readdirSync(join(ROOT, 'grafana/dashboards')).sort());
    for (const f of files) {
      const text = readRepo(`${THANOS_DASHBOARDS_DIR}/${f}`);
      expect(text, f).not.toMatch(/anchored\)/);
      expect(text, f).toMatch(/xincrease\(/);
    }
    const home = g.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(files).toContain(home.replace('/etc/grafana/dashboards/', ''));
    // The single-user Grafana keeps the Prometheus flavour.
    const plain = (svc('grafana').volumes ?? []).find((v) => v.target === '/etc/grafana/dashboards');
    expect(plain?.source.replace(ROOT, '.')).toBe('./grafana/dashboards');
  });

  test("the team scraper's retention covers the longest budget window (its rules evaluate there)", () => {
    const days = (d: string) => {
      const m = /^(\d+)([dhw])$/.exec(d);
      if (!m) throw new Error(`not a duration in days, hours or weeks: ${d}`);
      return Number(m[1]) * { h: 1 / 24, d: 1, w: 7 }[m[2] as 'h' | 'd' | 'w'];
    };
    const retention = flag(svc('prometheus-team'), 'storage.tsdb.retention.time');
    expect(retention).toHaveLength(1);
    const tb = defaultConfig.thresholds.teamBudgets;
    const longest = Math.max(days(tb.dailyWindow), days(tb.monthlyWindow));
    expect(days(retention[0] as string)).toBeGreaterThanOrEqual(longest);
    expect(retention[0]).toBe(SCRAPER_FLAGS.find((f) => f.includes('retention'))?.split('=')[1]);
  });
});
