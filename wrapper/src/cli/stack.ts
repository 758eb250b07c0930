// `claude-otel stack up|down|status`: the collector and Prometheus for one developer, natively
// (binaries from PATH or the project's cached build) or with `--docker` (docker compose).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { parsePort, parsePositiveInt } from '../config/options.js';
import { ClaudeOtelError, EXIT, usageError } from '../errors.js';
import {
  DEFAULT_PORTS,
  type ServiceStatus,
  type StackPorts,
  stackDown,
  stackStatus,
  stackUp,
} from '../stack/native-stack.js';
import {
  DEFAULT_REPLICAS,
  DEFAULT_TEAM_PORTS,
  MAX_REPLICAS,
  REPLICA_PORT_STEP,
  replicaEndpoints,
  TEAM_BLOCK,
  teamDown,
  teamJaegerUrl,
  teamSecretsDir,
  teamStatus,
  teamUp,
} from '../stack/native-team-stack.js';
import { WEBHOOK_ENV, webhookUrl } from '../stack/team-alertmanager.js';
import { missingToolHint, packageRoot } from '../stack/tools.js';
import type { CliContext } from './context.js';

const ACTIONS = ['up', 'down', 'status'] as const;
type Action = (typeof ACTIONS)[number];

const NO_COMPOSE_HINT = 'install Docker Compose v2, or use the native stack without --docker';

/**
 * Docker without the compose plugin reads `compose -f` as its own flags and prints its whole usage
 * (exit 125): ask `docker compose version` quietly first, and say it in one line.
 */
function requireCompose(ctx: CliContext): void {
  const probe = spawnSync('docker', ['compose', 'version'], {
    stdio: 'ignore',
    env: ctx.env,
    timeout: 15_000,
  });
  if (probe.error || probe.status !== 0) {
    throw new ClaudeOtelError('docker compose is not available', { hint: NO_COMPOSE_HINT });
  }
}

function compose(action: Action, ctx: CliContext): number {
  requireCompose(ctx);
  const file = path.join(packageRoot(), 'docker-compose.yml');
  const args = { up: ['up', '-d'], down: ['down'], status: ['ps'] }[action];
  const result = spawnSync('docker', ['compose', '-f', file, ...args], { stdio: 'inherit', env: ctx.env });
  if (result.error) {
    throw new ClaudeOtelError(`cannot run docker: ${result.error.message}`, {
      hint: 'install Docker, or run `claude-otel stack up` without --docker to use native binaries',
    });
  }
  return result.status ?? EXIT.failure;
}

/** `down` and `status`, the same for either stack; false for `up`, which each does its own way. */
async function downOrStatus(
  action: string,
  ctx: CliContext,
  down: (env: NodeJS.ProcessEnv) => Promise<string[]>,
  status: (env: NodeJS.ProcessEnv) => Promise<ServiceStatus[]>,
): Promise<boolean> {
  if (action === 'down') {
    const stopped = await down(ctx.env);
    ctx.stderr.write(stopped.length ? `stopped ${stopped.join(', ')}\n` : 'nothing was running\n');
    return true;
  }
  if (action === 'status') {
    ctx.exitCode = printStatus(ctx, await status(ctx.env)) ? EXIT.ok : EXIT.failure;
    return true;
  }
  return false;
}

function printStatus(ctx: CliContext, services: ServiceStatus[]): boolean {
  for (const s of services) {
    const state = s.running
      ? s.healthy
        ? 'healthy'
        : 'running, not healthy'
      : s.healthy
        ? 'healthy (not ours)'
        : 'stopped';
    ctx.stderr.write(`${s.name.padEnd(12)} ${state.padEnd(22)} ${s.url}  log: ${s.log}\n`);
  }
  return services.every((s) => s.healthy);
}

/** The port flags, each parsed as a port; two services on one port is a usage error too. */
function stackPorts(flags: Record<PortFlag, string>): StackPorts {
  const ports = {
    otlpGrpc: parsePort(flags.otlpPort, '--otlp-port'),
    prometheus: parsePort(flags.prometheusPort, '--prometheus-port'),
    otlpHttp: parsePort(flags.otlpHttpPort, '--otlp-http-port'),
    metrics: parsePort(flags.metricsPort, '--metrics-port'),
    health: parsePort(flags.healthPort, '--health-port'),
    selfMetrics: parsePort(flags.selfMetricsPort, '--self-metrics-port'),
  };
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other)
      throw usageError(`the ${other} and ${name} ports are both ${port}`, 'give each service its own port');
    seen.set(port, name);
  }
  return ports;
}

function replicaCount(value: string): number {
  const n = parsePositiveInt(value, '--replicas');
  if (n > MAX_REPLICAS)
    throw usageError(`--replicas ${n} is more than ${MAX_REPLICAS}`, 'run at most 9 on one machine');
  return n;
}

/** `stack up|down|status --team`: replicas, scraper, Thanos receive ×2 + query, Jaeger, Alertmanager. */
async function team(action: Action, ctx: CliContext, flags: StackFlags, ports: StackPorts): Promise<void> {
  if (await downOrStatus(action, ctx, teamDown, teamStatus)) return;
  const replicas = replicaCount(flags.replicas);
  const block = parsePort(flags.teamPorts, '--team-ports');
  if (block + TEAM_BLOCK > 65535)
    throw usageError(`--team-ports ${block} leaves no room for ${TEAM_BLOCK} ports`);
  const highest = Math.max(ports.otlpGrpc, ports.otlpHttp, ports.metrics, ports.health, ports.selfMetrics);
  if (highest + REPLICA_PORT_STEP * (replicas - 1) > 65535)
    throw usageError(
      `port ${highest} leaves no room for ${replicas} replicas`,
      'use lower port flags or fewer replicas',
    );
  const layout = {
    replicas,
    ports: {
      otlpGrpc: ports.otlpGrpc,
      otlpHttp: ports.otlpHttp,
      metrics: ports.metrics,
      health: ports.health,
      selfMetrics: ports.selfMetrics,
      query: ports.prometheus,
      block,
    },
  };
  const alertWebhook = webhookUrl(flags.alertWebhook, ctx.env);
  const services = await teamUp(ctx.env, {
    ...layout,
    build: flags.build,
    ...(alertWebhook ? { alertWebhook } : {}),
  });
  printStatus(ctx, services);
  if (!services.some((s) => s.name === 'alertmanager'))
    ctx.stderr.write(`alertmanager  not started: ${missingToolHint('alertmanager')}; alerts go nowhere\n`);
  else
    ctx.stderr.write(
      `alert webhooks: ${alertWebhook ? 'set' : 'kept or placeholders'} in ${teamSecretsDir(ctx.env)} ` +
        `(--alert-webhook URL or ${WEBHOOK_ENV} sets them all)\n`,
    );
  if (services.some((s) => s.name === 'jaeger'))
    ctx.stderr.write(`traces (Jaeger UI and API): ${teamJaegerUrl(layout.ports)}\n`);
  else ctx.stderr.write(`jaeger        not started: ${missingToolHint('jaeger')}; traces go to files\n`);
  const endpoints = replicaEndpoints(layout);
  ctx.stderr.write(
    `collector replicas (OTLP gRPC): ${endpoints.join(' ')}\n` +
      `Prometheus-compatible query API (Thanos query): http://127.0.0.1:${ports.prometheus}\n` +
      `export OTEL_EXPORTER_OTLP_ENDPOINT=${endpoints[0]}   # any replica; behind a load balancer, its address\n`,
  );
}

interface StackFlags {
  docker?: boolean;
  build: boolean;
  team?: boolean;
  replicas: string;
  teamPorts: string;
  alertWebhook?: string;
  otlpPort: string;
  prometheusPort: string;
  otlpHttpPort: string;
  metricsPort: string;
  healthPort: string;
  selfMetricsPort: string;
}

type PortFlag =
  | 'otlpPort'
  | 'prometheusPort'
  | 'otlpHttpPort'
  | 'metricsPort'
  | 'healthPort'
  | 'selfMetricsPort';

export function registerStack(program: Command, ctx: CliContext): void {
  program
    .command('stack')
    .description('run the OpenTelemetry Collector and Prometheus locally (up | down | status)')
    .argument('<action>', 'up, down or status')
    .option('--docker', 'use docker compose (docker-compose.yml) instead of native binaries')
    .option('--no-build', 'do not build missing binaries with scripts/setup-tools.sh')
    .option(
      '--team',
      'the team tier: collector replicas, Prometheus remote-writing to Thanos (2 receive nodes + query), Alertmanager',
    )
    .option('--replicas <n>', `collector replicas with --team (1-${MAX_REPLICAS})`, String(DEFAULT_REPLICAS))
    .option(
      '--team-ports <port>',
      `with --team: first of ${TEAM_BLOCK} ports for Thanos, the scraper and Alertmanager; replica i's ports are the port flags + ${REPLICA_PORT_STEP}*(i-1), --prometheus-port is Thanos query`,
      String(DEFAULT_TEAM_PORTS.block),
    )
    .option(
      '--alert-webhook <url>',
      `with --team: Slack-compatible incoming-webhook URL for every Alertmanager receiver (or ${WEBHOOK_ENV}); stored in the stack's secrets/ folder`,
    )
    .option('--otlp-port <port>', 'OTLP gRPC port', String(DEFAULT_PORTS.otlpGrpc))
    .option('--prometheus-port <port>', 'Prometheus port', String(DEFAULT_PORTS.prometheus))
    .option('--otlp-http-port <port>', 'OTLP HTTP port', String(DEFAULT_PORTS.otlpHttp))
    .option('--metrics-port <port>', "collector's Prometheus exporter port", String(DEFAULT_PORTS.metrics))
    .option('--health-port <port>', "collector's health check port", String(DEFAULT_PORTS.health))
    .option('--self-metrics-port <port>', "collector's own metrics port", String(DEFAULT_PORTS.selfMetrics))
    .action(async (action: string, flags: StackFlags) => {
      if (!ACTIONS.includes(action as Action))
        throw usageError(`unknown stack action ${JSON.stringify(action)}`, 'use up, down or status');
      if (!flags.team && flags.replicas !== String(DEFAULT_REPLICAS))
        throw usageError('--replicas needs --team', 'add --team for the team tier');
      if (!flags.team && flags.alertWebhook !== undefined)
        throw usageError('--alert-webhook needs --team', 'add --team for the team tier');
      const ports = stackPorts(flags);
      if (flags.docker) {
        ctx.exitCode = compose(action as Action, ctx);
        return;
      }
      if (flags.team) {
        await team(action as Action, ctx, flags, ports);
        return;
      }
      if (await downOrStatus(action, ctx, stackDown, stackStatus)) return;
      const services = await stackUp(ctx.env, { ports, build: flags.build });
      printStatus(ctx, services);
      ctx.stderr.write(
        `export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${ports.otlpGrpc}   # for claude-otel and plain claude (see claude-otel setup)\n`,
      );
    });
}
