// The team tier's configuration as pure data: the scraper's config derived from
// prometheus/prometheus.team.yml, the Thanos receive hashring, and the flags that make Thanos
// query's window totals exact. Used by `stack up --team` and the tests' team stack.
import path from 'node:path';
import { stringify } from 'yaml';
import { ClaudeOtelError } from '../errors.js';
import { windowIncrease } from '../report/promql.js';
import {
  COLLECTOR_JOB,
  PROMETHEUS_FEATURES,
  readPrometheusDoc,
  setScrapeInterval,
} from './prometheus-config.js';
import { packageRoot } from './tools.js';

export function teamScraperConfigPath(): string {
  return path.join(packageRoot(), 'prometheus', 'prometheus.team.yml');
}

/**
 * The scraper's flags (Prometheus 3, server mode). created-timestamp-zero-ingestion puts a zero
 * sample at each counter stream's start into the WAL, which remote write ships: the first-sample
 * answer (see prometheus/prometheus.team.yml). Retention covers a monthly budget's window.
 */
export const SCRAPER_FLAGS = [`--enable-feature=${PROMETHEUS_FEATURES}`, '--storage.tsdb.retention.time=35d'];

/**
 * Thanos query flags. Thanos query does not parse Prometheus's `anchored` modifier; its own
 * engine's `xincrease(x[w])` has the same meaning (the last sample before the window is the
 * base, counter resets are added back, no extrapolation), so window totals use it.
 */
export const QUERY_FLAGS = [
  '--query.promql-engine=thanos',
  '--query.enable-x-functions',
  '--enable-feature=promql-experimental-functions',
] as const;

/**
 * One copy of each series. Two receive nodes with replication 2 would need both up for every
 * write (quorum 2 of 2); with 1, each node owns half the series, a node that is down delays its
 * half (the scraper retries from its WAL) and queries never see a series twice.
 */
export const RECEIVE_REPLICATION_FACTOR = 1;

/** The window total of a counter selector over a range, exact on Thanos query (see QUERY_FLAGS). */
export function windowTotal(selector: string, range: string): string {
  return windowIncrease(selector, range, 'xincrease');
}

export interface ScraperConfigOptions {
  /** host:port of each collector replica's prometheus exporter. */
  targets: string[];
  /** Thanos receive's remote-write URL. */
  remoteWriteUrl: string;
  scrapeInterval?: string;
  /** host:port of Alertmanager; without it the alerting section is left out. */
  alertmanager?: string;
  /** Keep the repo's rule files (absolute paths); tests of the pipeline leave them out. */
  rules?: boolean;
  /** Rule files to evaluate instead of the repo's (absolute paths; e.g. generated budgets). */
  ruleFiles?: string[];
  source?: string;
}

interface TeamDoc {
  global?: Record<string, unknown>;
  rule_files?: string[];
  alerting?: unknown;
  scrape_configs?: { job_name?: string; scrape_interval?: string; static_configs?: unknown }[];
  remote_write?: { url?: string; [key: string]: unknown }[];
}

export function deriveScraperConfig(options: ScraperConfigOptions): string {
  const source = options.source ?? teamScraperConfigPath();
  const doc = readPrometheusDoc<TeamDoc>(source);
  const job = doc.scrape_configs?.find((c) => c.job_name === COLLECTOR_JOB);
  const write = doc.remote_write?.[0];
  if (!job || !write) {
    throw new ClaudeOtelError(`${source} needs a scrape job named ${COLLECTOR_JOB} and a remote_write`, {
      hint: 'restore prometheus/prometheus.team.yml from the package',
    });
  }
  job.static_configs = [{ targets: options.targets }];
  write.url = options.remoteWriteUrl;
  setScrapeInterval(doc, job, options.scrapeInterval);
  if (options.alertmanager)
    doc.alerting = { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] };
  else delete doc.alerting;
  if (options.ruleFiles) doc.rule_files = options.ruleFiles;
  else if (options.rules === false) delete doc.rule_files;
  else if (doc.rule_files) doc.rule_files = doc.rule_files.map((f) => path.resolve(path.dirname(source), f));
  doc.scrape_configs = [job];
  doc.remote_write = [write];
  return stringify(doc);
}

/** The receive hashring: every node's gRPC address, one ring for all tenants. */
export function hashringConfig(endpoints: string[]): string {
  return `${JSON.stringify([{ hashring: 'default', tenants: [], endpoints }], null, 2)}\n`;
}

export interface ReceiveNode {
  /** 1-based. */
  index: number;
  grpc: string;
  http: string;
  remoteWrite: string;
  /** Its Cap'n Proto replication listener (it always listens; 0.0.0.0:19391 unless told). */
  capnproto: string;
  dataDir: string;
}

/** Arguments of one `thanos receive` node (router and ingester in one). */
export function receiveArgs(node: ReceiveNode, hashringFile: string): string[] {
  return [
    'receive',
    `--tsdb.path=${node.dataDir}`,
    `--grpc-address=${node.grpc}`,
    `--http-address=${node.http}`,
    `--remote-write.address=${node.remoteWrite}`,
    `--receive.capnproto-address=${node.capnproto}`,
    `--receive.local-endpoint=${node.grpc}`,
    `--receive.hashrings-file=${hashringFile}`,
    '--receive.hashrings-algorithm=ketama',
    `--receive.replication-factor=${RECEIVE_REPLICATION_FACTOR}`,
    `--label=receive="${node.index}"`,
    '--tsdb.retention=15d',
    '--log.level=warn',
  ];
}

/** Arguments of `thanos query` over the receive nodes' gRPC (Store API) addresses. */
export function queryArgs(http: string, grpc: string, stores: string[]): string[] {
  return [
    'query',
    `--http-address=${http}`,
    `--grpc-address=${grpc}`,
    ...stores.map((s) => `--endpoint=${s}`),
    // Merges a series that moved between receive nodes (a hashring change) back into one.
    '--query.replica-label=receive',
    ...QUERY_FLAGS,
    '--log.level=warn',
  ];
}
