// The OTLP encoding, read back with a minimal protobuf reader written here from the wire format:
// counters summed per label set, histogram buckets as OpenTelemetry defines them (a value equal to
// a bound falls in that bound's bucket), exact nanosecond times, typed span attributes.
import { describe, expect, it } from 'vitest';
import { encodeMetricsRequest, encodeTraceRequest, unixNanos } from '../../../src/export/otlp-proto.js';

type Field = { n: number; wire: number; v: bigint | Uint8Array };

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const view = Buffer.from(buf);
  let i = 0;
  const varint = () => {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = view[i++] as number;
      r |= BigInt(b & 127) << shift;
      if (b < 128) return r;
      shift += 7n;
    }
  };
  while (i < view.length) {
    const tag = Number(varint());
    const n = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ n, wire, v: varint() });
    else if (wire === 1) {
      out.push({ n, wire, v: view.subarray(i, i + 8) });
      i += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ n, wire, v: view.subarray(i, i + len) });
      i += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}
const all = (buf: Uint8Array, n: number) => fields(buf).filter((f) => f.n === n);
const one = (buf: Uint8Array, n: number) => all(buf, n)[0];
const sub = (buf: Uint8Array, ...path: number[]) => path.reduce((b, n) => one(b, n)?.v as Uint8Array, buf);
const str = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('utf8');
const dbl = (b: Uint8Array) => Buffer.from(b).readDoubleLE(0);
const u64 = (b: Uint8Array) => Buffer.from(b).readBigUInt64LE(0);
function attrs(buf: Uint8Array, n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of all(buf, n)) {
    const key = str(sub(kv.v as Uint8Array, 1));
    const any = fields(sub(kv.v as Uint8Array, 2));
    const f = any[0]!;
    out[key] =
      f.n === 1
        ? str(f.v as Uint8Array)
        : f.n === 3
          ? Number(f.v)
          : f.n === 4
            ? dbl(f.v as Uint8Array)
            : f.n === 2
              ? f.v === 1n
              : 'array';
  }
  return out;
}

const instrument = (name: string) => ({ name, unit: '{x}', description: name });

describe('encodeMetricsRequest', () => {
  const request = encodeMetricsRequest({
    serviceName: 'claude-otel',
    scope: 'claude-otel',
    startMs: 1_764_000_000_000,
    endMs: 1_764_000_000_001,
    counters: [
      {
        instrument: instrument('tokens'),
        points: [
          { labels: { model: 'a', token_type: 'total' }, value: 10 },
          { labels: { token_type: 'total', model: 'a' }, value: 5 },
          { labels: { model: 'b', token_type: 'total' }, value: 0.25 },
        ],
      },
    ],
    histograms: [
      {
        instrument: instrument('duration'),
        bounds: [10, 100],
        points: [5, 10, 11, 100, 101].map((value) => ({ labels: { model: 'a' }, value })),
      },
    ],
  });
  const resourceMetrics = sub(request, 1);
  const scopeMetrics = sub(resourceMetrics, 2);
  const metrics = all(scopeMetrics, 2).map((f) => f.v as Uint8Array);

  it('names the resource and scope', () => {
    expect(attrs(sub(resourceMetrics, 1), 1)).toEqual({ 'service.name': 'claude-otel' });
    expect(str(sub(scopeMetrics, 1, 1))).toBe('claude-otel');
  });

  it('sums points with the same labels (in any order) into one delta, monotonic series', () => {
    const tokens = metrics.find((m) => str(sub(m, 1)) === 'tokens')!;
    const sum = sub(tokens, 7);
    expect(Number(one(sum, 2)!.v)).toBe(1); // DELTA
    expect(one(sum, 3)!.v).toBe(1n); // monotonic
    const points = all(sum, 1).map((f) => f.v as Uint8Array);
    expect(points.map((p) => [attrs(p, 7).model, dbl(sub(p, 4))])).toEqual([
      ['a', 15],
      ['b', 0.25],
    ]);
    expect(u64(sub(points[0]!, 2))).toBe(1_764_000_000_000_000_000n);
    expect(u64(sub(points[0]!, 3))).toBe(1_764_000_000_001_000_000n);
  });

  it('buckets histogram values as OpenTelemetry does: (-inf, 10], (10, 100], (100, +inf)', () => {
    const duration = metrics.find((m) => str(sub(m, 1)) === 'duration')!;
    const [point] = all(sub(duration, 9), 1).map((f) => f.v as Uint8Array);
    const counts = sub(point!, 6);
    expect([0, 1, 2].map((i) => Buffer.from(counts).readBigUInt64LE(i * 8))).toEqual([2n, 2n, 1n]);
    expect(u64(sub(point!, 4))).toBe(5n);
    expect(dbl(sub(point!, 5))).toBe(227);
    expect(dbl(sub(point!, 11))).toBe(5);
    expect(dbl(sub(point!, 12))).toBe(101);
  });
});

describe('encodeTraceRequest', () => {
  it('writes ids, parent, kind, exact times, typed attributes and status', () => {
    const request = encodeTraceRequest('claude-otel', 'claude-otel', [
      {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        parentSpanId: '00f067aa0ba902b7',
        name: 'agent_query',
        kind: 'client',
        startMs: 1_764_000_000_123,
        endMs: 1_764_000_001_456,
        status: 'error',
        statusMessage: 'boom',
        attributes: {
          model: 'claude-sonnet-4-5',
          input_tokens: 1200,
          cost_usd: 0.0107715,
          ok: false,
          errors: 0,
          note: '',
        },
      },
    ]);
    const span = sub(request, 1, 2, 2);
    expect(Buffer.from(sub(span, 1)).toString('hex')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(Buffer.from(sub(span, 2)).toString('hex')).toBe('b7ad6b7169203331');
    expect(Buffer.from(sub(span, 4)).toString('hex')).toBe('00f067aa0ba902b7');
    expect(str(sub(span, 5))).toBe('agent_query');
    expect(Number(one(span, 6)!.v)).toBe(3); // CLIENT
    expect(u64(sub(span, 7))).toBe(1_764_000_000_123_000_000n);
    expect(u64(sub(span, 8))).toBe(1_764_000_001_456_000_000n);
    expect(attrs(span, 9)).toEqual({
      model: 'claude-sonnet-4-5',
      input_tokens: 1200,
      cost_usd: 0.0107715,
      ok: false,
      errors: 0,
      note: '',
    });
    const status = sub(span, 15);
    expect(str(sub(status, 2))).toBe('boom');
    expect(Number(one(status, 3)!.v)).toBe(2); // ERROR
  });

  it('keeps nanosecond times exact past 2^53', () => {
    expect(unixNanos(1_764_000_000_123.5)).toBe(1_764_000_000_123_500_000n);
  });
});
