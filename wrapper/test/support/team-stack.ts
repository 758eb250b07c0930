// Test harness for the team tier: N collector replicas (the repo's config, each on its own free
// ports), a Prometheus 3 scraper (server mode) scraping them and remote-writing to two Thanos receive nodes
// (hashring), and Thanos query over them. Everything on 127.0.0.1; stop() cleans up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  deriveScraperConfig,
  hashringConfig,
  queryArgs,
  receiveArgs,
  SCRAPER_FLAGS,
} from '../../src/stack/team-config.js';
import { requireTool, startCollector, type TestCollector } from './collector.js';
import { freePorts } from './free-port.js';
import type { Sample } from './prometheus.js';
import { awaitReady, spawnService, type TestService } from './service.js';
import { waitFor } from './wait-for.js';

export interface TeamStackOptions {
  replicas?: number;
  receivers?: number;
  scrapeIntervalMs?: number;
  /** Leave out created-timestamp zero ingestion (to show what it is for). */
  withoutZeroIngestion?: boolean;
  /** Rules the scraper evaluates (absolute paths; none by default). */
  ruleFiles?: string[];
  /** host:port of an Alertmanager the scraper sends its alerts to. */
  alertmanager?: string;
}

export interface TestTeamStack {
  replicas: TestCollector[];
  /** Thanos query's HTTP API (Prometheus-compatible). */
  queryUrl: string;
  /** Remote-write URL of the first receive node. */
  receiveUrl: string;
  query(expr: string): Promise<Sample[]>;
  /** Sum of an instant query's values (0 when empty). */
  scalar(expr: string): Promise<number>;
  /** Raw samples of a range selector, oldest first: [[seconds, value], ...] per series. */
  samples(selector: string, range: string): Promise<[number, number][][]>;
  logs(): string;
  stop(): Promise<void>;
}

function start(dir: string, name: string, bin: string, args: string[]): TestService {
  return spawnService(name, bin, args, { logFile: path.join(dir, `${name}.log`) });
}

async function ready(s: TestService, url: string): Promise<void> {
  await awaitReady(s, url, { timeoutMs: 60_000, intervalMs: 200, logChars: 1500 });
}

const logs = (services: TestService[]) => services.map((s) => `--- ${s.name}\n${s.log(1500)}`).join('\n');

export async function startTeamStack(options: TeamStackOptions = {}): Promise<TestTeamStack> {
  const thanos = requireTool('thanos');
  const prometheus = requireTool('prometheus');
  const replicaCount = options.replicas ?? 3;
  const receiverCount = options.receivers ?? 2;
  const interval = `${options.scrapeIntervalMs ?? 1000}ms`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-team-'));
  const services: TestService[] = [];
  const replicas: TestCollector[] = [];
  const host = '127.0.0.1';
  const stop = async () => {
    for (const s of [...services].reverse()) await s.stop(10_000);
    for (const r of replicas) await r.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < replicaCount; i++) replicas.push(await startCollector());
    const ports = await freePorts(receiverCount * 4 + 3);
    const nodes = Array.from({ length: receiverCount }, (_, i) => ({
      index: i + 1,
      grpc: `${host}:${ports[i * 4]}`,
      http: `${host}:${ports[i * 4 + 1]}`,
      remoteWrite: `${host}:${ports[i * 4 + 2]}`,
      capnproto: `${host}:${ports[i * 4 + 3]}`,
      dataDir: path.join(dir, `receive-${i + 1}`),
    }));
    const hashrings = path.join(dir, 'hashrings.json');
    fs.writeFileSync(hashrings, hashringConfig(nodes.map((n) => n.grpc)));
    for (const node of nodes) {
      const s = start(dir, `receive-${node.index}`, thanos, receiveArgs(node, hashrings));
      services.push(s);
      await ready(s, `http://${node.http}/-/ready`);
    }
    const [queryHttp, queryGrpc, scraperPort] = ports.slice(receiverCount * 4) as [number, number, number];
    const query = start(
      dir,
      'query',
      thanos,
      queryArgs(
        `${host}:${queryHttp}`,
        `${host}:${queryGrpc}`,
        nodes.map((n) => n.grpc),
      ),
    );
    services.push(query);
    await ready(query, `http://${host}:${queryHttp}/-/ready`);
    const receiveUrl = `http://${nodes[0]?.remoteWrite}/api/v1/receive`;
    const scraperConfig = path.join(dir, 'scraper.yml');
    fs.writeFileSync(
      scraperConfig,
      deriveScraperConfig({
        targets: replicas.map((r) => r.metricsTarget),
        remoteWriteUrl: receiveUrl,
        scrapeInterval: interval,
        rules: false,
        ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
        ...(options.alertmanager ? { alertmanager: options.alertmanager } : {}),
      }),
    );
    const flags = options.withoutZeroIngestion ? [] : SCRAPER_FLAGS;
    const scraper = start(dir, 'scraper', prometheus, [
      ...flags,
      `--config.file=${scraperConfig}`,
      `--storage.tsdb.path=${path.join(dir, 'scraper-data')}`,
      `--web.listen-address=${host}:${scraperPort}`,
      '--log.level=warn',
    ]);
    services.push(scraper);
    await ready(scraper, `http://${host}:${scraperPort}/-/ready`);
    const queryUrl = `http://${host}:${queryHttp}`;
    const api = async <T>(pathAndQuery: string): Promise<T> => {
      const response = await fetch(`${queryUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as { status: string; error?: string; data?: T };
      if (body.status !== 'success') throw new Error(`${pathAndQuery} failed: ${body.error}`);
      return body.data as T;
    };
    const run = async (expr: string): Promise<Sample[]> => {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    };
    // Up once every replica's `up` series has travelled scraper → receive → query.
    await waitFor(async () => (await run('sum(up{job="otel-collector"})'))[0]?.value === replicaCount, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: `all ${replicaCount} replicas scraped and visible in Thanos query`,
    });
    return {
      replicas,
      queryUrl,
      receiveUrl,
      query: run,
      async scalar(expr) {
        return (await run(expr)).reduce((sum, s) => sum + s.value, 0);
      },
      async samples(selector, range) {
        const data = await api<{ result: { values: [number, string][] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(`${selector}[${range}]`)}`,
        );
        return data.result.map((r) => r.values.map(([t, v]) => [t, Number(v)] as [number, number]));
      },
      logs: () => logs(services),
      stop,
    };
  } catch (error) {
    const tails = logs(services);
    await stop();
    throw new Error(`${(error as Error).message}\n${tails}`);
  }
}
