// Sends ledger runs to a collector as a run's export does (the contract's points from runPoints,
// one OTLP delta request over gRPC), with team identity labels added to every point: a stand-in
// for engineer C's identity labels until they are on this branch (test-only).
import { grpcUnary } from '../../src/export/grpc-unary.js';
import { INSTRUMENTS, type Point, runPoints } from '../../src/export/metric-points.js';
import { SERVICE_NAME } from '../../src/export/otel-send.js';
import { encodeMetricsRequest } from '../../src/export/otlp-proto.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { DURATION_BUCKETS_MS } from '../../src/usage/duration-buckets.js';

export type Identity = Record<string, string>;

const METRICS_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

export function identityRequest(records: RunRecord[], identity: Identity, now = Date.now()): Uint8Array {
  const tokens: Point[] = [];
  const cost: Point[] = [];
  const duration: Point[] = [];
  const tag = (p: Point): Point => ({ labels: { ...p.labels, ...identity }, value: p.value });
  for (const r of records) {
    const p = runPoints(r);
    tokens.push(...p.tokens.map(tag));
    cost.push(...p.cost.map(tag));
    duration.push(...p.duration.map(tag));
  }
  return encodeMetricsRequest({
    serviceName: SERVICE_NAME,
    scope: SERVICE_NAME,
    startMs: now - 1,
    endMs: now,
    counters: [
      { instrument: INSTRUMENTS.tokens, points: tokens },
      { instrument: INSTRUMENTS.cost, points: cost },
    ],
    histograms: [{ instrument: INSTRUMENTS.duration, bounds: DURATION_BUCKETS_MS, points: duration }],
  });
}

/** Resolves with an error message, or undefined when the collector accepted the request. */
export function sendWithIdentity(
  endpoint: string,
  records: RunRecord[],
  identity: Identity,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  return grpcUnary({
    endpoint,
    path: METRICS_PATH,
    message: identityRequest(records, identity),
    headers: {},
    deadline: Date.now() + timeoutMs,
  });
}
