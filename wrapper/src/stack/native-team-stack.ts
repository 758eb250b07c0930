// `claude-otel stack up --team` without Docker: N collector replicas (the one collector config,
// each on its own ports), a Prometheus 3 scraper remote-writing to two Thanos receive nodes,
// Thanos query (the Prometheus-compatible API), Jaeger (the replicas' traces) and Alertmanager,
// state under <stack>/team.
import fs from 'node:fs';
import path from 'node:path';
import { collectorConfigPath, collectorEnv } from './collector-env.js';
import {
  collectorTracesToJaeger,
  type JaegerPorts,
  jaegerHealthUrl,
  jaegerQueryUrl,
  startJaeger,
} from './jaeger.js';
import {
  ensureTool,
  launch,
  type ServiceStatus,
  serviceStatus,
  stackDir,
  stopByPidFile,
  waitHealthy,
} from './native-stack.js';
import {
  deriveAlertmanagerConfig,
  shippedAlertmanagerConfigPath,
  writeWebhookFiles,
} from './team-alertmanager.js';
import {
  deriveScraperConfig,
  hashringConfig,
  queryArgs,
  type ReceiveNode,
  receiveArgs,
  SCRAPER_FLAGS,
} from './team-config.js';
import type { ToolName } from './tools.js';

export interface TeamPorts {
  /** Replica 1's ports; replica i adds REPLICA_PORT_STEP * (i - 1) to each. */
  otlpGrpc: number;
  otlpHttp: number;
  metrics: number;
  health: number;
  selfMetrics: number;
  /** Thanos query's HTTP API: where dashboards, `report --source prometheus` and rules look. */
  query: number;
  /** First of a block of TEAM_BLOCK ports: receive nodes, Jaeger, query gRPC, scraper, Alertmanager. */
  block: number;
}
export const DEFAULT_TEAM_PORTS: TeamPorts = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  metrics: 8889,
  health: 13133,
  selfMetrics: 8888,
  query: 9090,
  block: 10901,
};
export const REPLICA_PORT_STEP = 10;
export const DEFAULT_REPLICAS = 3;
export const MAX_REPLICAS = 9;
const RECEIVERS = 2;
export const TEAM_BLOCK = 24;

export type TeamService = ServiceStatus;

interface TeamLayout {
  replicas: number;
  ports: TeamPorts;
  /** False when no Alertmanager binary was found: the rest runs, alerts go nowhere. */
  alertmanager?: boolean;
  /** False when no Jaeger binary was found: the replicas write traces to files instead. */
  jaeger?: boolean;
}

/** Jaeger's five ports sit in the block between receive-1's four and receive-2's. */
export function teamJaegerPorts(p: TeamPorts): JaegerPorts {
  return {
    otlpGrpc: p.block + 4,
    otlpHttp: p.block + 5,
    queryHttp: p.block + 6,
    queryGrpc: p.block + 7,
    health: p.block + 8,
  };
}

/** The folder of the webhook URL files Alertmanager's receivers read (one per receiver kind). */
export function teamSecretsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(teamDir(env), 'secrets');
}

export function teamDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackDir(env), 'team');
}

const host = '127.0.0.1';
const at = (port: number) => `${host}:${port}`;

/** Every process of the layout with its health URL, in start order. */
function services(layout: TeamLayout): { name: string; health: string }[] {
  const p = layout.ports;
  const out: { name: string; health: string }[] = [];
  if (layout.jaeger) out.push({ name: 'jaeger', health: jaegerHealthUrl(teamJaegerPorts(p)) });
  for (let i = 0; i < layout.replicas; i++)
    out.push({ name: `collector-${i + 1}`, health: `http://${at(p.health + REPLICA_PORT_STEP * i)}/` });
  for (const node of receiveNodes('', p))
    out.push({ name: `receive-${node.index}`, health: `http://${node.http}/-/ready` });
  out.push({ name: 'query', health: `http://${at(p.query)}/-/ready` });
  out.push({ name: 'scraper', health: `http://${at(p.block + 21)}/-/ready` });
  if (layout.alertmanager !== false)
    out.push({ name: 'alertmanager', health: `http://${at(p.block + 22)}/-/ready` });
  return out;
}

function receiveNodes(dir: string, p: TeamPorts): ReceiveNode[] {
  return Array.from({ length: RECEIVERS }, (_, i) => ({
    index: i + 1,
    grpc: at(p.block + 10 * i),
    http: at(p.block + 10 * i + 1),
    remoteWrite: at(p.block + 10 * i + 2),
    capnproto: at(p.block + 10 * i + 3),
    dataDir: path.join(dir, `receive-${i + 1}`),
  }));
}

/** The OTLP gRPC endpoint of each replica, for wrappers and plain claude (any one will do). */
export function replicaEndpoints(layout: TeamLayout): string[] {
  return Array.from(
    { length: layout.replicas },
    (_, i) => `http://${at(layout.ports.otlpGrpc + REPLICA_PORT_STEP * i)}`,
  );
}

function readLayout(dir: string): TeamLayout {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'layout.json'), 'utf8')) as TeamLayout;
  } catch {
    return { replicas: DEFAULT_REPLICAS, ports: DEFAULT_TEAM_PORTS };
  }
}

export async function teamStatus(env: NodeJS.ProcessEnv = process.env): Promise<TeamService[]> {
  const dir = teamDir(env);
  return Promise.all(services(readLayout(dir)).map(({ name, health }) => serviceStatus(dir, name, health)));
}

export async function teamUp(
  env: NodeJS.ProcessEnv = process.env,
  options: {
    replicas?: number;
    ports?: Partial<TeamPorts>;
    build?: boolean;
    /** Every receiver's webhook URL (already checked); without it, existing files are kept. */
    alertWebhook?: string;
  } = {},
): Promise<TeamService[]> {
  const dir = teamDir(env);
  fs.mkdirSync(dir, { recursive: true });
  const replicas = options.replicas ?? DEFAULT_REPLICAS;
  const build = options.build ?? true;
  const alertmanagerBin = optionalTool('alertmanager', env, build);
  const jaegerBin = optionalTool('jaeger', env, build);
  const layout: TeamLayout = {
    replicas,
    ports: { ...DEFAULT_TEAM_PORTS, ...options.ports },
    alertmanager: alertmanagerBin !== undefined,
    jaeger: jaegerBin !== undefined,
  };
  if (alertmanagerBin) writeWebhookFiles(alertmanagerFiles(env).urlFiles, options.alertWebhook);
  const current = await teamStatus(env);
  const same = JSON.stringify(readLayout(dir)) === JSON.stringify(layout);
  if (same && current.every((s) => s.running && s.healthy)) return current;
  await teamDown(env);
  fs.writeFileSync(path.join(dir, 'layout.json'), JSON.stringify(layout));
  try {
    return await startAll(env, dir, layout, alertmanagerBin, build);
  } catch (error) {
    // A half-started tier is stopped again: nothing is left listening behind an error.
    await teamDown(env);
    throw error;
  }
}

async function startAll(
  env: NodeJS.ProcessEnv,
  dir: string,
  layout: TeamLayout,
  alertmanagerBin: string | undefined,
  build: boolean,
): Promise<TeamService[]> {
  const replicas = layout.replicas;
  const bins = {
    collector: ensureTool('collector', env, build),
    prometheus: ensureTool('prometheus', env, build),
    thanos: ensureTool('thanos', env, build),
  };
  const p = layout.ports;
  const health = new Map(services(layout).map((s) => [s.name, s.health]));
  const start = async (name: string, bin: string, args: string[], procEnv: NodeJS.ProcessEnv = env) => {
    const pid = launch(dir, name, bin, args, procEnv);
    await waitHealthy(health.get(name) ?? '', pid, name, path.join(dir, `${name}.log`), 60_000);
  };
  // Before the replicas, so their first spans have somewhere to go.
  if (layout.jaeger) await startJaeger({ dir, env, ports: teamJaegerPorts(p), build: false });
  for (let i = 0; i < replicas; i++) {
    const step = REPLICA_PORT_STEP * i;
    const cEnv = {
      ...env,
      ...collectorEnv({
        otlpGrpc: at(p.otlpGrpc + step),
        otlpHttp: at(p.otlpHttp + step),
        prometheus: at(p.metrics + step),
        health: at(p.health + step),
        selfMetricsHost: host,
        selfMetricsPort: p.selfMetrics + step,
        // Every replica's traces into the one Jaeger; without it, a file per replica.
        ...(layout.jaeger
          ? collectorTracesToJaeger(teamJaegerPorts(p), host)
          : { tracesExporters: ['file/traces'], tracesFile: path.join(dir, `traces-${i + 1}.jsonl`) }),
        logsFile: path.join(dir, `events-${i + 1}.jsonl`),
      }),
    };
    await start(`collector-${i + 1}`, bins.collector, ['--config', collectorConfigPath()], cEnv);
  }
  const nodes = receiveNodes(dir, p);
  const hashrings = path.join(dir, 'hashrings.json');
  fs.writeFileSync(hashrings, hashringConfig(nodes.map((n) => n.grpc)));
  for (const node of nodes) await start(`receive-${node.index}`, bins.thanos, receiveArgs(node, hashrings));
  await start(
    'query',
    bins.thanos,
    queryArgs(
      at(p.query),
      at(p.block + 20),
      nodes.map((n) => n.grpc),
    ),
  );
  if (alertmanagerBin) {
    const amConfig = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(amConfig, alertmanagerFiles(env).yaml);
    await start('alertmanager', alertmanagerBin, [
      `--config.file=${amConfig}`,
      `--storage.path=${path.join(dir, 'alertmanager-data')}`,
      `--web.listen-address=${at(p.block + 22)}`,
      // One instance: no gossip port to collide with anything.
      '--cluster.listen-address=',
    ]);
  }
  const scraperConfig = path.join(dir, 'scraper.yml');
  fs.writeFileSync(
    scraperConfig,
    deriveScraperConfig({
      targets: Array.from({ length: replicas }, (_, i) => at(p.metrics + REPLICA_PORT_STEP * i)),
      remoteWriteUrl: `http://${nodes[0]?.remoteWrite}/api/v1/receive`,
      ...(alertmanagerBin ? { alertmanager: at(p.block + 22) } : {}),
    }),
  );
  await start('scraper', bins.prometheus, [
    ...SCRAPER_FLAGS,
    `--config.file=${scraperConfig}`,
    `--storage.tsdb.path=${path.join(dir, 'scraper-data')}`,
    `--web.listen-address=${at(p.block + 21)}`,
  ]);
  return teamStatus(env);
}

/** The shipped Alertmanager config as the native tier runs it (URL files under secrets/). */
function alertmanagerFiles(env: NodeJS.ProcessEnv) {
  return deriveAlertmanagerConfig(shippedAlertmanagerConfigPath(), teamSecretsDir(env));
}

/** The query UI and API of the tier's Jaeger (for `stack up --team`'s summary). */
export function teamJaegerUrl(ports: TeamPorts): string {
  return jaegerQueryUrl(teamJaegerPorts(ports));
}

/** A tool the team tier can run without (Alertmanager): its path, or undefined when missing. */
function optionalTool(tool: ToolName, env: NodeJS.ProcessEnv, build: boolean): string | undefined {
  try {
    return ensureTool(tool, env, build);
  } catch {
    return undefined;
  }
}

export async function teamDown(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const dir = teamDir(env);
  const stopped: string[] = [];
  // Scraper first (its last scrape is remote-written), collectors last.
  for (const { name } of services(readLayout(dir)).reverse())
    if (await stopByPidFile(dir, name)) stopped.push(name);
  return stopped;
}
