// Deterministic W3C trace and span ids derived from ledger ids, so that a run's spans get the same
// ids whether they are exported right after the run or later by `sync`, and so the wrapper can hand
// Claude Code its TRACEPARENT before the run starts.
import { createHash } from 'node:crypto';

function hex(parts: string[], length: number): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
  // All-zero ids are invalid in W3C trace context.
  return /^0+$/.test(digest) ? `${digest.slice(0, -1)}1` : digest;
}

export const traceIdFor = (invocationId: string): string => hex(['trace', invocationId], 32);
export const rootSpanIdFor = (invocationId: string): string => hex(['root', invocationId], 16);
export const agentSpanIdFor = (invocationId: string, agent: string): string =>
  hex(['agent', invocationId, agent], 16);
export const runSpanIdFor = (runId: string): string => hex(['run', runId], 16);
export const childSpanIdFor = (runId: string, kind: 'turn' | 'tool' | 'subagent', id: string): string =>
  hex([kind, runId, id], 16);

export function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}
