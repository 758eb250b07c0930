// OTLP protobuf encoding of the wrapper's own metric points and spans: the few messages of
// opentelemetry-proto (v1) that an export request needs, written field by field. The
// OpenTelemetry SDK, its exporters and protobufjs cost ~385 ms of CPU to load in every wrapped run
// (measured: that was nearly all the wrapper's CPU beyond Claude Code's); this costs ~nothing.
// Field numbers are opentelemetry-proto's (collector/metrics/v1, collector/trace/v1, common/v1).
import type { Labels, Point } from './metric-points.js';
import type { SpanSpec } from './span-model.js';

/** A protobuf message under construction: tag/value bytes appended in field order. */
class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private tag(field: number, wireType: number): void {
    this.push(varint(BigInt((field << 3) | wireType)));
  }

  /** Zero is the default and is left out, unless `always` (a `oneof` member must be written). */
  uint(field: number, value: number | bigint, always = false): this {
    if (!always && (value === 0 || value === 0n)) return this;
    this.tag(field, 0);
    this.push(varint(BigInt(value)));
    return this;
  }

  /** int64 (two's complement for negatives, as protobuf varints do). */
  int64(field: number, value: number, always = false): this {
    if (!always && value === 0) return this;
    this.tag(field, 0);
    this.push(varint(BigInt.asUintN(64, BigInt(value))));
    return this;
  }

  bool(field: number, value: boolean): this {
    return value ? this.uint(field, 1) : this;
  }

  /** A double, written even when zero (for `oneof` values and optional fields). */
  double(field: number, value: number): this {
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.push(b);
    return this;
  }

  fixed64(field: number, value: bigint): this {
    if (value === 0n) return this;
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array, always = false): this {
    if (!always && value.length === 0) return this;
    this.tag(field, 2);
    this.push(varint(BigInt(value.length)));
    this.push(value);
    return this;
  }

  string(field: number, value: string, always = false): this {
    return this.bytes(field, Buffer.from(value, 'utf8'), always);
  }

  /** A nested message, written even when empty (presence matters for `oneof` fields). */
  message(field: number, value: Message): this {
    const body = value.finish();
    this.tag(field, 2);
    this.push(varint(BigInt(body.length)));
    this.push(body);
    return this;
  }

  packedFixed64(field: number, values: bigint[]): this {
    if (values.length === 0) return this;
    const b = Buffer.alloc(values.length * 8);
    for (const [i, v] of values.entries()) b.writeBigUInt64LE(v, i * 8);
    return this.bytes(field, b);
  }

  packedDouble(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const b = Buffer.alloc(values.length * 8);
    for (const [i, v] of values.entries()) b.writeDoubleLE(v, i * 8);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.size);
  }
}

function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v > 127n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** Milliseconds since the epoch as nanoseconds, exactly (ms * 1e6 passes 2^53). */
export function unixNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

type AttributeValue = string | number | boolean | string[];

/** AnyValue: string 1, bool 2, int 3, double 4, array 5 (ArrayValue { values = 1 }). */
function anyValue(value: AttributeValue): Message {
  const any = new Message();
  if (Array.isArray(value)) {
    const array = new Message();
    for (const v of value) array.message(1, anyValue(v));
    return any.message(5, array);
  }
  // Members of a `oneof` are written even when they hold the default (0, false, ''): left out,
  // the value would read as unset.
  if (typeof value === 'string') any.string(1, value, true);
  else if (typeof value === 'boolean') any.uint(2, value ? 1 : 0, true);
  else if (Number.isInteger(value)) any.int64(3, value, true);
  else any.double(4, value);
  return any;
}

/** KeyValue { key = 1; value = 2 }. */
function withAttributes(
  m: Message,
  field: number,
  attributes: Record<string, AttributeValue | undefined>,
): Message {
  for (const [k, v] of Object.entries(attributes)) {
    if (v !== undefined) m.message(field, new Message().string(1, k).message(2, anyValue(v)));
  }
  return m;
}

/** Resource { attributes = 1 } and InstrumentationScope { name = 1 }. */
function resource(serviceName: string): Message {
  return withAttributes(new Message(), 1, { 'service.name': serviceName });
}

/** AggregationTemporality: UNSPECIFIED 0, DELTA 1, CUMULATIVE 2. */
const DELTA = 1;

export interface InstrumentInfo {
  name: string;
  unit: string;
  description: string;
}

export interface MetricsBatch {
  serviceName: string;
  scope: string;
  /** Start and end of the delta window, in ms since the epoch. */
  startMs: number;
  endMs: number;
  counters: { instrument: InstrumentInfo; points: Point[] }[];
  histograms: { instrument: InstrumentInfo; bounds: readonly number[]; points: Point[] }[];
  /** Last values (plan usage): one data point per label set, stamped at endMs. */
  gauges?: { instrument: InstrumentInfo; points: Point[] }[];
}

/** Points with equal labels are one series: summed, as a delta collection would aggregate them. */
function bySeries(points: Point[]): { labels: Labels; values: number[] }[] {
  const series = new Map<string, { labels: Labels; values: number[] }>();
  for (const p of points) {
    const key = JSON.stringify(Object.entries(p.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const s = series.get(key) ?? { labels: p.labels, values: [] };
    s.values.push(p.value);
    series.set(key, s);
  }
  return [...series.values()];
}

/** ExportMetricsServiceRequest: one resource, one scope, a Sum per counter, a Histogram per histogram, a Gauge per gauge. */
export function encodeMetricsRequest(batch: MetricsBatch): Uint8Array {
  const start = unixNanos(batch.startMs);
  const end = unixNanos(batch.endMs);
  const scope = new Message().message(1, new Message().string(1, batch.scope));
  for (const { instrument, points } of batch.counters) {
    if (points.length === 0) continue;
    const sum = new Message();
    for (const s of bySeries(points)) {
      // NumberDataPoint { start 2, time 3, as_double 4, attributes 7 }
      const dp = new Message().fixed64(2, start).fixed64(3, end);
      dp.double(
        4,
        s.values.reduce((a, b) => a + b, 0),
      );
      sum.message(1, withAttributes(dp, 7, s.labels));
    }
    sum.uint(2, DELTA).bool(3, true);
    scope.message(2, metricHeader(instrument).message(7, sum));
  }
  for (const { instrument, bounds, points } of batch.histograms) {
    if (points.length === 0) continue;
    const histogram = new Message();
    for (const s of bySeries(points)) {
      const counts = new Array<bigint>(bounds.length + 1).fill(0n);
      for (const v of s.values) {
        let i = 0;
        while (i < bounds.length && v > (bounds[i] as number)) i++;
        counts[i] = (counts[i] as bigint) + 1n;
      }
      // HistogramDataPoint { start 2, time 3, count 4, sum 5, bucket_counts 6, bounds 7,
      // attributes 9, min 11, max 12 }
      const dp = new Message()
        .fixed64(2, start)
        .fixed64(3, end)
        .fixed64(4, BigInt(s.values.length))
        .double(
          5,
          s.values.reduce((a, b) => a + b, 0),
        )
        .packedFixed64(6, counts)
        .packedDouble(7, bounds);
      withAttributes(dp, 9, s.labels);
      dp.double(11, Math.min(...s.values)).double(12, Math.max(...s.values));
      histogram.message(1, dp);
    }
    histogram.uint(2, DELTA);
    scope.message(2, metricHeader(instrument).message(9, histogram));
  }
  for (const { instrument, points } of batch.gauges ?? []) {
    if (points.length === 0) continue;
    const gauge = new Message();
    for (const p of points) {
      // NumberDataPoint { time 3, as_double 4, attributes 7 }: a gauge has no start.
      gauge.message(1, withAttributes(new Message().fixed64(3, end).double(4, p.value), 7, p.labels));
    }
    // Metric { gauge = 5 }
    scope.message(2, metricHeader(instrument).message(5, gauge));
  }
  const resourceMetrics = new Message().message(1, resource(batch.serviceName)).message(2, scope);
  return new Message().message(1, resourceMetrics).finish();
}

/** Metric { name 1, description 2, unit 3 } (the data field follows). */
function metricHeader(i: InstrumentInfo): Message {
  return new Message().string(1, i.name).string(2, i.description).string(3, i.unit);
}

const SPAN_KIND = { internal: 1, client: 3 } as const;
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/** ExportTraceServiceRequest: one resource, one scope, the spans. */
export function encodeTraceRequest(serviceName: string, scopeName: string, specs: SpanSpec[]): Uint8Array {
  const scope = new Message().message(1, new Message().string(1, scopeName));
  for (const s of specs) {
    // Span { trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, start 7, end 8,
    // attributes 9, status 15, flags 16 (unset) }
    const span = new Message().bytes(1, Buffer.from(s.traceId, 'hex')).bytes(2, Buffer.from(s.spanId, 'hex'));
    if (s.parentSpanId) span.bytes(4, Buffer.from(s.parentSpanId, 'hex'));
    span
      .string(5, s.name)
      .uint(6, SPAN_KIND[s.kind])
      .fixed64(7, unixNanos(s.startMs))
      .fixed64(8, unixNanos(s.endMs));
    withAttributes(span, 9, s.attributes);
    // Status { message 2, code 3 }
    const status = new Message();
    if (s.statusMessage) status.string(2, s.statusMessage);
    status.uint(3, STATUS_CODE[s.status]);
    span.message(15, status);
    scope.message(2, span);
  }
  const resourceSpans = new Message().message(1, resource(serviceName)).message(2, scope);
  return new Message().message(1, resourceSpans).finish();
}
