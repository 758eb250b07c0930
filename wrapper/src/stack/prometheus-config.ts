// Derives a runnable Prometheus config from the repo's prometheus/prometheus.yml: the
// `otel-collector` job's target is rewritten to where the collector listens, rule files are
// made absolute, and the scrape interval may be shortened (tests).
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ClaudeOtelError } from '../errors.js';
import { packageRoot } from './tools.js';

export const COLLECTOR_JOB = 'otel-collector';

export function prometheusConfigPath(): string {
  return path.join(packageRoot(), 'prometheus', 'prometheus.yml');
}

export interface DerivedConfigOptions {
  target: string;
  scrapeInterval?: string;
  /** Keep the repo's rule files (absolute paths); tests of the pipeline leave them out. */
  rules?: boolean;
  source?: string;
}

interface ScrapeConfig {
  job_name?: string;
  scrape_interval?: string;
  static_configs?: { targets?: string[] }[];
  [key: string]: unknown;
}

/** A Prometheus config file as a YAML document (an empty file is an empty document). */
export function readPrometheusDoc<T>(source: string): T {
  try {
    return (parse(fs.readFileSync(source, 'utf8')) as T) ?? ({} as T);
  } catch (error) {
    throw new ClaudeOtelError(`cannot read ${source}: ${(error as Error).message}`, { cause: error });
  }
}

/** Scrapes and evaluates every `interval` (a faster loop for tests and short-lived stacks). */
export function setScrapeInterval(
  doc: { global?: Record<string, unknown> },
  job: { scrape_interval?: string },
  interval: string | undefined,
): void {
  if (!interval) return;
  doc.global = { ...(doc.global ?? {}), scrape_interval: interval, evaluation_interval: interval };
  job.scrape_interval = interval;
}

export function derivePrometheusConfig(options: DerivedConfigOptions): string {
  const source = options.source ?? prometheusConfigPath();
  const doc = readPrometheusDoc<{
    global?: Record<string, unknown>;
    rule_files?: string[];
    scrape_configs?: ScrapeConfig[];
  }>(source);
  const job = doc.scrape_configs?.find((c) => c.job_name === COLLECTOR_JOB);
  if (!job) {
    throw new ClaudeOtelError(`${source} has no scrape job named ${COLLECTOR_JOB}`, {
      hint: 'restore the otel-collector job that scrapes the collector',
    });
  }
  job.static_configs = [{ targets: [options.target] }];
  setScrapeInterval(doc, job, options.scrapeInterval);
  if (options.rules === false) delete doc.rule_files;
  else if (doc.rule_files) doc.rule_files = doc.rule_files.map((f) => path.resolve(path.dirname(source), f));
  doc.scrape_configs = [job];
  return stringify(doc);
}

export const PROMETHEUS_FEATURES = 'created-timestamp-zero-ingestion,promql-experimental-functions';
