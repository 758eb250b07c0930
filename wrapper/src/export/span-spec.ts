// One span as pure data: what span-model.ts and subagent-spans.ts build and otel-send encodes.

export type SpanAttributes = Record<string, string | number | boolean | string[]>;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'client';
  startMs: number;
  endMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: SpanAttributes;
}
