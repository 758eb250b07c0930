// `claude-otel stack` without Docker: the collector (repo config) and Prometheus 3 (derived from
// prometheus/prometheus.yml) as background processes on 127.0.0.1, state under the data home.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import { ClaudeOtelError } from '../errors.js';
import { isProcessAlive } from '../process-alive.js';
import { assertCollectorHasGuard, collectorConfigArgs, collectorEnv } from './collector-env.js';
import { derivePrometheusConfig, PROMETHEUS_FEATURES } from './prometheus-config.js';
import { findTool, missingToolHint, setupScript, type ToolName } from './tools.js';

export interface StackPorts {
  otlpGrpc: number;
  otlpHttp: number;
  metrics: number;
  health: number;
  selfMetrics: number;
  prometheus: number;
}
export const DEFAULT_PORTS: StackPorts = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  metrics: 8889,
  health: 13133,
  selfMetrics: 8888,
  prometheus: 9090,
};

export interface ServiceStatus {
  name: string;
  pid: number | undefined;
  running: boolean;
  healthy: boolean;
  url: string;
  log: string;
}

export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataHome(env), 'stack');
}

const pidFile = (dir: string, name: string) => path.join(dir, `${name}.pid`);

export function readPid(dir: string, name: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(dir, name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

function readPorts(dir: string): StackPorts {
  try {
    return {
      ...DEFAULT_PORTS,
      ...(JSON.parse(fs.readFileSync(path.join(dir, 'ports.json'), 'utf8')) as StackPorts),
    };
  } catch {
    return DEFAULT_PORTS;
  }
}

export async function stackStatus(env: NodeJS.ProcessEnv = process.env): Promise<ServiceStatus[]> {
  const dir = stackDir(env);
  const ports = readPorts(dir);
  const services: [string, string][] = [
    ['collector', `http://127.0.0.1:${ports.health}/`],
    ['prometheus', `http://127.0.0.1:${ports.prometheus}/-/ready`],
  ];
  return Promise.all(services.map(([name, url]) => serviceStatus(dir, name, url)));
}

/** A service of a native stack by its pid file in `dir`, its health URL and its log beside it. */
export async function serviceStatus(dir: string, name: string, url: string): Promise<ServiceStatus> {
  const pid = readPid(dir, name);
  return {
    name,
    pid,
    running: isProcessAlive(pid),
    healthy: await healthy(url),
    url,
    log: path.join(dir, `${name}.log`),
  };
}

/** The binary, building the project's tools once (scripts/setup-tools.sh) when none is found. */
export function ensureTool(tool: ToolName, env: NodeJS.ProcessEnv, build: boolean): string {
  const found = findTool(tool, env);
  if (found) return found;
  if (build) {
    const result = spawnSync('bash', [setupScript()], { stdio: ['ignore', 'ignore', 'inherit'], env });
    const built = result.status === 0 ? findTool(tool, env) : undefined;
    if (built) return built;
  }
  throw new ClaudeOtelError(`no ${tool} binary found`, { hint: missingToolHint(tool) });
}

export function launch(
  dir: string,
  name: string,
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): number {
  const log = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  child.unref();
  if (!child.pid) throw new ClaudeOtelError(`cannot start ${bin}`);
  fs.writeFileSync(pidFile(dir, name), String(child.pid));
  return child.pid;
}

export async function waitHealthy(
  url: string,
  pid: number,
  what: string,
  log: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthy(url)) return;
    if (!isProcessAlive(pid)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tail = fs.existsSync(log)
    ? fs.readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ')
    : '';
  throw new ClaudeOtelError(`${what} did not become healthy: ${tail}`, { hint: `see ${log}` });
}

export async function stackUp(
  env: NodeJS.ProcessEnv = process.env,
  options: { ports?: Partial<StackPorts>; build?: boolean } = {},
): Promise<ServiceStatus[]> {
  const dir = stackDir(env);
  fs.mkdirSync(dir, { recursive: true });
  const current = await stackStatus(env);
  if (current.every((s) => s.running && s.healthy)) return current;
  await stackDown(env);
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  fs.writeFileSync(path.join(dir, 'ports.json'), JSON.stringify(ports));
  const collector = ensureTool('collector', env, options.build ?? true);
  assertCollectorHasGuard(collector);
  const prometheus = ensureTool('prometheus', env, options.build ?? true);
  const host = '127.0.0.1';
  const cEnv = {
    ...env,
    ...collectorEnv({
      otlpGrpc: `${host}:${ports.otlpGrpc}`,
      otlpHttp: `${host}:${ports.otlpHttp}`,
      prometheus: `${host}:${ports.metrics}`,
      health: `${host}:${ports.health}`,
      selfMetricsHost: host,
      selfMetricsPort: ports.selfMetrics,
      // No trace store on a laptop: spans and events go to files beside the logs.
      tracesExporters: ['file/traces'],
      tracesFile: path.join(dir, 'traces.jsonl'),
      logsFile: path.join(dir, 'events.jsonl'),
    }),
  };
  const cPid = launch(dir, 'collector', collector, collectorConfigArgs(), cEnv);
  await waitHealthy(
    `http://${host}:${ports.health}/`,
    cPid,
    'the collector',
    path.join(dir, 'collector.log'),
  );
  const promConfig = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(promConfig, derivePrometheusConfig({ target: `${host}:${ports.metrics}` }));
  const pPid = launch(
    dir,
    'prometheus',
    prometheus,
    [
      `--config.file=${promConfig}`,
      `--storage.tsdb.path=${path.join(dir, 'prometheus-data')}`,
      `--web.listen-address=${host}:${ports.prometheus}`,
      `--enable-feature=${PROMETHEUS_FEATURES}`,
    ],
    env,
  );
  await waitHealthy(
    `http://${host}:${ports.prometheus}/-/ready`,
    pPid,
    'Prometheus',
    path.join(dir, 'prometheus.log'),
  );
  return stackStatus(env);
}

/**
 * Stops the process named by `<dir>/<name>.pid` (SIGTERM, then SIGKILL after 10 s) and removes the
 * pid file; true when a live process was stopped. Used by `stack down` and `stack down --team`.
 */
export async function stopByPidFile(dir: string, name: string): Promise<boolean> {
  const pid = readPid(dir, name);
  const alive = isProcessAlive(pid);
  if (alive) {
    process.kill(pid as number, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isProcessAlive(pid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (isProcessAlive(pid)) process.kill(pid as number, 'SIGKILL');
  }
  fs.rmSync(pidFile(dir, name), { force: true });
  return alive;
}

export async function stackDown(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const dir = stackDir(env);
  const stopped: string[] = [];
  for (const name of ['prometheus', 'collector']) if (await stopByPidFile(dir, name)) stopped.push(name);
  return stopped;
}
