// Sends runs' metric points and span specs to the collector as OTLP over gRPC, within a deadline:
// the points are aggregated into one delta collection (as the OpenTelemetry SDK would), encoded
// by otlp-proto.ts and posted with node:http2 (grpc-unary.ts). Loading the OpenTelemetry SDK,
// grpc-js and protobufjs for this cost ~385 ms of CPU per wrapped run; this path loads nothing.
import type { RunRecord } from '../ledger/schema.js';
import { DURATION_BUCKETS_MS } from '../usage/duration-buckets.js';
import { grpcUnary } from './grpc-unary.js';
import { type CounterPoints, type LiveFigures, pointsAbove } from './live-delta.js';
import {
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  INSTRUMENTS,
  type RunPoints,
  runPoints,
} from './metric-points.js';
import { encodeMetricsRequest, encodeTraceRequest } from './otlp-proto.js';
import { PLAN_INSTRUMENTS, type PlanGauge } from './plan-gauges.js';
import { spansFor } from './span-model.js';

/** What every claude-otel process reports as: no instance id, pid or host (see DESIGN). */
export const SERVICE_NAME = 'claude-otel';
const SCOPE = 'claude-otel';
const METRICS_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
const TRACES_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface SendTarget {
  endpoint: string;
  headers: Record<string, string>;
}

/** One OTLP export call to the collector; resolves with an error message or undefined. */
function send(target: SendTarget, path: string, message: Uint8Array, deadline: number) {
  return grpcUnary({ endpoint: target.endpoint, path, message, headers: target.headers, deadline });
}

export interface SendResult {
  metricsError?: string;
  spansError?: string;
}

/** Per run id, what was sent live for it (export/live-journal.ts): its final points send the rest. */
export type LiveSentByRun = ReadonlyMap<string, LiveFigures>;

/**
 * The request holding every point of every record: one delta collection. A run that was exported
 * live sends only what its final totals add to that (never a negative value).
 */
export function metricsRequest(records: RunRecord[], now = Date.now(), live?: LiveSentByRun): Uint8Array {
  const all: RunPoints = { tokens: [], cost: [], duration: [], genAiTokens: [], genAiDuration: [] };
  for (const r of records) {
    const sent = live?.get(r.run_id);
    const p = sent ? pointsAbove(runPoints(r), sent) : runPoints(r);
    for (const key of POINT_KINDS) all[key].push(...p[key]);
  }
  return pointsRequest(all, now, true);
}

/** A run's live delta: token and cost counters only (the duration counts once, at the run's end). */
export function countersRequest(points: CounterPoints, now = Date.now()): Uint8Array {
  return pointsRequest({ ...points, duration: [], genAiTokens: [], genAiDuration: [] }, now, false);
}

const POINT_KINDS = ['tokens', 'cost', 'duration', 'genAiTokens', 'genAiDuration'] as const;

/** One delta collection of the contract's instruments; histograms only with `histograms`. */
function pointsRequest(points: RunPoints, now: number, histograms: boolean): Uint8Array {
  return encodeMetricsRequest({
    serviceName: SERVICE_NAME,
    scope: SCOPE,
    startMs: now - 1,
    endMs: now,
    counters: [
      { instrument: INSTRUMENTS.tokens, points: points.tokens },
      { instrument: INSTRUMENTS.cost, points: points.cost },
    ],
    histograms: histograms
      ? [
          { instrument: INSTRUMENTS.duration, bounds: DURATION_BUCKETS_MS, points: points.duration },
          { instrument: INSTRUMENTS.genAiTokens, bounds: GEN_AI_TOKEN_BUCKETS, points: points.genAiTokens },
          {
            instrument: INSTRUMENTS.genAiDuration,
            bounds: GEN_AI_DURATION_BUCKETS,
            points: points.genAiDuration,
          },
        ]
      : [],
  });
}

/** Sends a live delta (one request); resolves with an error message or undefined. Never rejects. */
export function sendCounters(
  target: SendTarget,
  points: CounterPoints,
  deadline: number,
): Promise<string | undefined> {
  return send(target, METRICS_PATH, countersRequest(points), deadline);
}

/** Sends the records' metrics (one request) and spans (chunked) concurrently; never rejects. */
export async function sendRecords(
  target: SendTarget,
  records: RunRecord[],
  deadline: number,
  live?: LiveSentByRun,
): Promise<SendResult> {
  const metrics = send(target, METRICS_PATH, metricsRequest(records, Date.now(), live), deadline);
  const specs = spansFor(records);
  const spanJobs: Promise<string | undefined>[] = [];
  for (let i = 0; i < specs.length; i += SPANS_PER_REQUEST) {
    spanJobs.push(
      send(
        target,
        TRACES_PATH,
        encodeTraceRequest(SERVICE_NAME, SCOPE, specs.slice(i, i + SPANS_PER_REQUEST)),
        deadline,
      ),
    );
  }
  const [metricsError, ...spanErrors] = await Promise.all([metrics, ...spanJobs]);
  const spansError = spanErrors.find((e) => e !== undefined);
  return { ...(metricsError ? { metricsError } : {}), ...(spansError ? { spansError } : {}) };
}

/** Keeps each span request well under gRPC's default 4 MiB message limit. */
const SPANS_PER_REQUEST = 2000;

/** The plan gauges as one metrics request: each window's last reading. */
export function planRequest(gauges: PlanGauge[], now = Date.now()): Uint8Array {
  return encodeMetricsRequest({
    serviceName: SERVICE_NAME,
    scope: SCOPE,
    startMs: now,
    endMs: now,
    counters: [],
    histograms: [],
    gauges: [
      {
        instrument: PLAN_INSTRUMENTS.used,
        points: gauges.map((g) => ({ labels: { window: g.window }, value: g.used_percent })),
      },
      {
        instrument: PLAN_INSTRUMENTS.resetsAt,
        points: gauges.map((g) => ({ labels: { window: g.window }, value: g.resets_at })),
      },
    ],
  });
}

/** Sends the plan gauges (one metrics request); resolves with an error message or undefined. */
export function sendPlanGauges(
  target: SendTarget,
  gauges: PlanGauge[],
  deadline: number,
): Promise<string | undefined> {
  return send(target, METRICS_PATH, planRequest(gauges), deadline);
}
