// Test harness: real Prometheus 3 (created-timestamp zero ingestion, experimental PromQL) on a
// free port, scraping the test collector with a config derived from prometheus/prometheus.yml.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { derivePrometheusConfig, PROMETHEUS_FEATURES } from '../../src/stack/prometheus-config.js';
import { requireTool } from './collector.js';
import { freePort } from './free-port.js';
import { awaitReady, spawnService } from './service.js';
import { waitFor } from './wait-for.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface TestPrometheus {
  url: string;
  scrapeIntervalMs: number;
  query(expr: string): Promise<Sample[]>;
  /** Sum of an instant query's values (0 when empty). */
  scalar(expr: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startPrometheus(
  target: string,
  scrapeIntervalMs = 1000,
  options: {
    awaitFirstScrape?: boolean;
    /** Rule files (absolute), evaluated at the scrape interval. */
    ruleFiles?: string[];
    /** Alertmanagers (host:port) the rules' alerts go to. */
    alertmanagers?: string[];
  } = {},
): Promise<TestPrometheus> {
  const bin = requireTool('prometheus');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-prometheus-'));
  const port = await freePort();
  const configFile = path.join(dir, 'prometheus.yml');
  const interval = `${scrapeIntervalMs}ms`;
  const derived = parse(derivePrometheusConfig({ target, scrapeInterval: interval, rules: false })) as Record<
    string,
    unknown
  >;
  if (options.ruleFiles) derived.rule_files = options.ruleFiles;
  if (options.alertmanagers) {
    derived.alerting = { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers }] }] };
  }
  fs.writeFileSync(configFile, stringify(derived));
  const service = spawnService(
    'prometheus',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--enable-feature=${PROMETHEUS_FEATURES}`,
      '--log.level=warn',
    ],
    { logFile: path.join(dir, 'prometheus.log') },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await awaitReady(service, `${url}/-/ready`, { what: 'Prometheus to be ready' });
  } catch (error) {
    await stop();
    throw error;
  }
  const query = async (expr: string): Promise<Sample[]> => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  };
  // Prometheus applies discovered targets a few seconds after start: wait for the first scrape so
  // that latency measured afterwards is the pipeline's, not start-up's.
  // (Skipped on request: with a long interval the first scrape comes anywhere within it.)
  if (options.awaitFirstScrape !== false) {
    await waitFor(async () => (await query('up{job="otel-collector"}')).some((s) => s.value === 1), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the first scrape of the collector',
    }).catch(async (error) => {
      await stop();
      throw error;
    });
  }
  return {
    url,
    scrapeIntervalMs,
    query,
    async scalar(expr) {
      return (await query(expr)).reduce((sum, s) => sum + s.value, 0);
    },
    stop,
  };
}
