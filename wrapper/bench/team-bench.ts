// Team tier benchmark with real collectors: OTLP export requests per second one replica takes
// with exact totals, the same load spread over three replicas (ratio measured in the same run),
// and collector memory (RSS) per 10,000 streams.
import fs from 'node:fs';
import { grpcUnary } from '../src/export/grpc-unary.js';
import { INSTRUMENTS } from '../src/export/metric-points.js';
import { SERVICE_NAME } from '../src/export/otel-send.js';
import { encodeMetricsRequest } from '../src/export/otlp-proto.js';
import { startCollector, type TestCollector } from '../test/support/collector.js';
import type { BenchResult } from './result.js';

const METRICS_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
const REQUESTS = Number(process.env.CLAUDE_OTEL_BENCH_TEAM_REQUESTS ?? 6000);
const CONCURRENCY = 32;
const STREAMS = 10_000;

/** One export as a run sends it: a delta of 1 token on a few streams of the operation. */
function request(operation: string, points = 1): Uint8Array {
  const now = Date.now();
  return encodeMetricsRequest({
    serviceName: SERVICE_NAME,
    scope: SERVICE_NAME,
    startMs: now - 1,
    endMs: now,
    counters: [
      {
        instrument: INSTRUMENTS.tokens,
        points: Array.from({ length: points }, (_, i) => ({
          labels: {
            model: 'claude-sonnet-4-5',
            operation,
            token_type: 'total',
            status: 'success',
            agent: `agent_${i}`,
          },
          value: 1,
        })),
      },
    ],
    histograms: [],
  });
}

/** Sum of openai_tokens_total for the operation over the replicas' /metrics (what a scrape sees). */
async function scrapedTotal(replicas: TestCollector[], operation: string): Promise<number> {
  let total = 0;
  for (const r of replicas) {
    const text = await (await fetch(`http://${r.metricsTarget}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('openai_tokens_total{') && line.includes(`operation="${operation}"`))
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Requests per second, round-robin over the replicas, and whether the totals came out exact. */
async function throughput(
  replicas: TestCollector[],
  operation: string,
): Promise<{ rps: number; exact: boolean }> {
  const message = request(operation);
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= REQUESTS) return;
        const endpoint = replicas[i % replicas.length]?.grpcEndpoint ?? '';
        if (
          await grpcUnary({
            endpoint,
            path: METRICS_PATH,
            message,
            headers: {},
            deadline: Date.now() + 30_000,
          })
        )
          failed++;
      }
    }),
  );
  const rps = REQUESTS / ((performance.now() - started) / 1000);
  const exact =
    failed === 0 && (await until(async () => (await scrapedTotal(replicas, operation)) === REQUESTS, 15_000));
  return { rps, exact };
}

/** The collector process of a test collector, found by its OTLP listen address in /proc. */
function collectorPid(collector: TestCollector): number | undefined {
  const needle = `CLAUDE_OTEL_OTLP_GRPC=127.0.0.1:${collector.grpcPort}\0`;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'utf8').includes(needle)) return Number(name);
    } catch {
      // gone, or not ours
    }
  }
  return undefined;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

async function rssPer10kStreams(collector: TestCollector): Promise<number> {
  const pid = collectorPid(collector);
  if (!pid) throw new Error('collector process not found');
  // Warm up: one stream, so start-up allocations are not counted.
  await grpcUnary({
    endpoint: collector.grpcEndpoint,
    path: METRICS_PATH,
    message: request('rss-warm'),
    headers: {},
    deadline: Date.now() + 10_000,
  });
  await until(async () => (await scrapedTotal([collector], 'rss-warm')) === 1, 10_000);
  const before = rssBytes(pid);
  for (let sent = 0; sent < STREAMS; sent += 1000) {
    const error = await grpcUnary({
      endpoint: collector.grpcEndpoint,
      path: METRICS_PATH,
      message: request(`rss-${sent}`, 1000),
      headers: {},
      deadline: Date.now() + 30_000,
    });
    if (error) throw new Error(error);
  }
  let streams = 0;
  await until(async () => {
    streams = 0;
    for (let sent = 0; sent < STREAMS; sent += 1000)
      streams += await scrapedTotal([collector], `rss-${sent}`);
    return streams === STREAMS;
  }, 30_000);
  if (streams !== STREAMS) throw new Error(`only ${streams} of ${STREAMS} streams arrived`);
  return ((rssBytes(pid) - before) / STREAMS) * 10_000;
}

export async function benchTeam(): Promise<BenchResult[]> {
  const replicas: TestCollector[] = [];
  try {
    for (let i = 0; i < 3; i++) replicas.push(await startCollector());
    // One, three, one again: warm-up and the machine's other load do not favour either side.
    const first = await throughput(replicas.slice(0, 1), 'tp-one');
    const three = await throughput(replicas, 'tp-three');
    const again = await throughput(replicas.slice(0, 1), 'tp-one-again');
    const one = { rps: (first.rps + again.rps) / 2, exact: first.exact && again.exact };
    const rss = await rssPer10kStreams(replicas[0] as TestCollector);
    return [
      {
        name: `team: export requests/s one replica takes, totals exact (mean of 2 × ${REQUESTS} requests, ${CONCURRENCY} concurrent, load generator on the same cores)`,
        value: one.rps,
        unit: 'req/s',
        target: 'exact totals',
        ok: one.exact,
      },
      {
        name: 'team: the same load round-robin over three replicas, totals exact',
        value: three.rps,
        unit: 'req/s',
        target: 'exact totals',
        ok: three.exact,
      },
      {
        name: 'team: throughput ratio, three replicas / one (same run; bounded by the machine cores)',
        value: three.rps / one.rps,
        unit: 'x',
        target: '-',
        ok: true,
      },
      {
        name: `team: collector RSS growth per 10,000 streams (${STREAMS} new streams on one replica)`,
        value: rss / 1e6,
        unit: 'MB',
        target: '-',
        ok: true,
      },
    ];
  } finally {
    for (const r of replicas) await r.close();
  }
}
