// Turns metric points and span specs into OTLP and sends them over gRPC with the OpenTelemetry JS
// exporters, within a deadline. Loaded with a dynamic import so `claude-otel` starts fast.
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RunRecord } from '../ledger/schema.js';
import { DURATION_BUCKETS_MS } from '../usage/duration-buckets.js';
import {
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  INSTRUMENTS,
  type Point,
  type RunPoints,
  runPoints,
} from './metric-points.js';
import { PLAN_INSTRUMENTS, type PlanGauge } from './plan-gauges.js';
import { type SpanSpec, spansFor } from './span-model.js';

/** What every claude-otel process reports as: no instance id, pid or host (see DESIGN). */
export const SERVICE_NAME = 'claude-otel';
const SCOPE = 'claude-otel';

export interface SendTarget {
  endpoint: string;
  headers: Record<string, string>;
}

const modules = async () => {
  const [api, sdkMetrics, resources, grpc, metricsGrpc, traceGrpc] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/resources'),
    import('@grpc/grpc-js'),
    import('@opentelemetry/exporter-metrics-otlp-grpc'),
    import('@opentelemetry/exporter-trace-otlp-grpc'),
  ]);
  return { api, sdkMetrics, resources, grpc, metricsGrpc, traceGrpc };
};
export type OtelModules = Awaited<ReturnType<typeof modules>>;

let loading: Promise<OtelModules> | undefined;
/** Starts loading once; later callers share the promise. */
export function loadOtelModules(): Promise<OtelModules> {
  loading ??= modules();
  return loading;
}

function metadataFor(m: OtelModules, headers: Record<string, string>) {
  const metadata = new m.grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k.toLowerCase(), v);
  return metadata;
}

/** One delta collection holding every point of every record. */
async function collect(m: OtelModules, records: RunRecord[]) {
  const { MeterProvider, MetricReader, AggregationTemporality } = m.sdkMetrics;
  class OneShotReader extends MetricReader {
    constructor() {
      super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
    }
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  const reader = new OneShotReader();
  const provider = new MeterProvider({
    resource: m.resources.resourceFromAttributes({ 'service.name': SERVICE_NAME }),
    readers: [reader],
  });
  const meter = provider.getMeter(SCOPE);
  const counter = (i: { name: string; unit: string; description: string }) =>
    meter.createCounter(i.name, { unit: i.unit, description: i.description });
  const histogram = (i: { name: string; unit: string; description: string }, buckets: readonly number[]) =>
    meter.createHistogram(i.name, {
      unit: i.unit,
      description: i.description,
      advice: { explicitBucketBoundaries: [...buckets] },
    });
  const tokens = counter(INSTRUMENTS.tokens);
  const cost = counter(INSTRUMENTS.cost);
  const duration = histogram(INSTRUMENTS.duration, DURATION_BUCKETS_MS);
  const genAiTokens = histogram(INSTRUMENTS.genAiTokens, GEN_AI_TOKEN_BUCKETS);
  const genAiDuration = histogram(INSTRUMENTS.genAiDuration, GEN_AI_DURATION_BUCKETS);
  const each = (points: Point[], record: (value: number, labels: Attributes) => void) => {
    for (const p of points) record(p.value, p.labels);
  };
  for (const r of records) {
    const p: RunPoints = runPoints(r);
    each(p.tokens, (v, l) => tokens.add(v, l));
    each(p.cost, (v, l) => cost.add(v, l));
    each(p.duration, (v, l) => duration.record(v, l));
    each(p.genAiTokens, (v, l) => genAiTokens.record(v, l));
    each(p.genAiDuration, (v, l) => genAiDuration.record(v, l));
  }
  const { resourceMetrics } = await reader.collect();
  void provider.shutdown().catch(() => {});
  return resourceMetrics;
}

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

function readableSpans(m: OtelModules, specs: SpanSpec[]): ReadableSpan[] {
  const resource = m.resources.resourceFromAttributes({ 'service.name': SERVICE_NAME });
  const { SpanKind, SpanStatusCode, TraceFlags } = m.api;
  return specs.map((s) => {
    const context = { traceId: s.traceId, spanId: s.spanId, traceFlags: TraceFlags.SAMPLED };
    const span: ReadableSpan = {
      name: s.name,
      kind: s.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      spanContext: () => context,
      ...(s.parentSpanId
        ? {
            parentSpanContext: { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED },
          }
        : {}),
      startTime: hr(s.startMs),
      endTime: hr(s.endMs),
      duration: hr(Math.max(0, s.endMs - s.startMs)),
      status: {
        code:
          s.status === 'error'
            ? SpanStatusCode.ERROR
            : s.status === 'ok'
              ? SpanStatusCode.OK
              : SpanStatusCode.UNSET,
        ...(s.statusMessage ? { message: s.statusMessage } : {}),
      },
      attributes: s.attributes,
      links: [],
      events: [],
      ended: true,
      resource,
      instrumentationScope: { name: SCOPE },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    return span;
  });
}

interface Exportable<T> {
  export(items: T, done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

/** Resolves with an error message, or undefined on success; never rejects, never outlives the deadline. */
function sendOnce<T>(exporter: Exportable<T>, items: T, deadline: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Closing the channel lets the process exit; bounded like everything else.
      const closing = exporter.shutdown().catch(() => {});
      const stop = setTimeout(() => {}, 250);
      stop.unref();
      void closing.finally(() => clearTimeout(stop));
      resolve(error);
    };
    const timer = setTimeout(() => finish('timed out'), Math.max(1, deadline - Date.now()));
    timer.unref();
    try {
      exporter.export(items, (result) => {
        finish(result.code === 0 ? undefined : (result.error?.message ?? 'export failed'));
      });
    } catch (error) {
      finish((error as Error).message);
    }
  });
}

export interface SendResult {
  metricsError?: string;
  spansError?: string;
}

/** Sends the records' metrics (one request) and spans (chunked) concurrently. */
export async function sendRecords(
  m: OtelModules,
  target: SendTarget,
  records: RunRecord[],
  deadline: number,
): Promise<SendResult> {
  const timeoutMillis = Math.max(1, deadline - Date.now());
  const common = { url: target.endpoint, timeoutMillis, metadata: metadataFor(m, target.headers) };
  // Temporality is the reader's (delta, in collect()); the exporter only serializes.
  const metricExporter = new m.metricsGrpc.OTLPMetricExporter(common);
  const resourceMetrics = await collect(m, records);
  const metrics = sendOnce(metricExporter, resourceMetrics, deadline);
  const specs = spansFor(records);
  const spanJobs: Promise<string | undefined>[] = [];
  for (let i = 0; i < specs.length; i += SPANS_PER_REQUEST) {
    const exporter = new m.traceGrpc.OTLPTraceExporter(common);
    spanJobs.push(sendOnce(exporter, readableSpans(m, specs.slice(i, i + SPANS_PER_REQUEST)), deadline));
  }
  const [metricsError, ...spanErrors] = await Promise.all([metrics, ...spanJobs]);
  const spansError = spanErrors.find((e) => e !== undefined);
  return { ...(metricsError ? { metricsError } : {}), ...(spansError ? { spansError } : {}) };
}

/** Keeps each span request well under gRPC's default 4 MiB message limit. */
const SPANS_PER_REQUEST = 2000;

/** Sends the plan gauges (one metrics request); resolves with an error message or undefined. */
export async function sendPlanGauges(
  m: OtelModules,
  target: SendTarget,
  gauges: PlanGauge[],
  deadline: number,
): Promise<string | undefined> {
  const { MeterProvider, MetricReader } = m.sdkMetrics;
  class OneShotReader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  const reader = new OneShotReader();
  const provider = new MeterProvider({
    resource: m.resources.resourceFromAttributes({ 'service.name': SERVICE_NAME }),
    readers: [reader],
  });
  const meter = provider.getMeter(SCOPE);
  const used = meter.createGauge(PLAN_INSTRUMENTS.used.name, PLAN_INSTRUMENTS.used);
  const resetsAt = meter.createGauge(PLAN_INSTRUMENTS.resetsAt.name, PLAN_INSTRUMENTS.resetsAt);
  for (const g of gauges) {
    used.record(g.used_percent, { window: g.window });
    resetsAt.record(g.resets_at, { window: g.window });
  }
  const { resourceMetrics } = await reader.collect();
  void provider.shutdown().catch(() => {});
  const timeoutMillis = Math.max(1, deadline - Date.now());
  const exporter = new m.metricsGrpc.OTLPMetricExporter({
    url: target.endpoint,
    timeoutMillis,
    metadata: metadataFor(m, target.headers),
  });
  return sendOnce(exporter, resourceMetrics, deadline);
}
