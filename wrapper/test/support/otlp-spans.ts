// Reads the spans the test collector's file exporter wrote (TestCollector.tracesFile: one OTLP JSON
// document per line), and a span's attribute as a plain value.
import fs from 'node:fs';

/** A span as the OTLP JSON file exporter writes it. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

/** Every span in the file, in order ([] before the collector has written any). */
export function spansInFile(file: string): OtlpSpan[] {
  if (!fs.existsSync(file)) return [];
  const spans: OtlpSpan[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const doc = JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
  }
  return spans;
}

/** An attribute's value (OTLP JSON writes int64 as a string: returned as a number). */
export const spanAttr = (s: OtlpSpan, key: string): unknown => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if ('intValue' in v) return Number(v.intValue);
  return v.stringValue ?? v.doubleValue ?? v.boolValue ?? v.arrayValue;
};
