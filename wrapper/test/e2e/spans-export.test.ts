// Spans through the real collector into its file exporter: root → session_N → agent_query →
// turn and tool spans, with the contract's attributes, real times and the TRACEPARENT ids.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter } from '../../src/export/exporter.js';
import { agentSpanIdFor, rootSpanIdFor, runSpanIdFor, traceIdFor } from '../../src/export/trace-ids.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { syntheticRun } from '../support/collector-fixtures.js';
import { type OtlpSpan, spanAttr, spansInFile } from '../support/otlp-spans.js';
import { waitFor } from '../support/wait-for.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector?.close();
});

describe('spans', () => {
  it('arrive with parent/child links, attributes and stream times', async () => {
    const invocation = randomUUID();
    const start = Date.parse('2026-11-20T10:00:00.000Z');
    const a = syntheticRun({ invocation_id: invocation, agent: 'agent_1', startMs: start, turns: 3 });
    const b = syntheticRun({
      invocation_id: invocation,
      agent: 'agent_2',
      startMs: start + 50,
      status: 'error',
      models: {
        'claude-sonnet-4-5': { prompt: 1, completion: 2, cache_read: 3, cache_creation: 4, cost_usd: 0.5 },
        'claude-haiku-4-5': { prompt: 10, completion: 20, cache_read: 0, cache_creation: 0, cost_usd: 0.01 },
      },
    });
    const result = await startExporter({ endpoint: collector.grpcEndpoint }).exportRuns([a, b]);
    expect(result.error).toBeUndefined();
    const traceId = traceIdFor(invocation);
    const spans = await waitFor(
      () => {
        const found = spansInFile(collector.tracesFile).filter((s) => s.traceId === traceId);
        // root + 2 sessions + 2 agent_query + (3 turns + 2 tools) + (2 turns + 1 tool)
        return found.length >= 13 ? found : undefined;
      },
      { what: 'spans in the collector file exporter', timeoutMs: 15_000 },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const root = byId.get(rootSpanIdFor(invocation));
    expect(root?.name).toBe('swarm');
    expect(root?.parentSpanId ?? '').toBe('');
    for (const [run, agent, session] of [
      [a, 'agent_1', 'session_1'],
      [b, 'agent_2', 'session_2'],
    ] as const) {
      const sessionSpan = byId.get(agentSpanIdFor(invocation, agent));
      expect(sessionSpan?.name).toBe(session);
      expect(sessionSpan?.parentSpanId).toBe(root?.spanId);
      const query = byId.get(runSpanIdFor(run.run_id));
      expect(query?.name).toBe('agent_query');
      expect(query?.parentSpanId).toBe(sessionSpan?.spanId);
      expect(query?.startTimeUnixNano).toBe(`${Date.parse(run.started_at)}000000`);
      expect(query?.endTimeUnixNano).toBe(`${Date.parse(run.ended_at)}000000`);
      const u = Object.values(run.models);
      const sum = (k: 'prompt' | 'completion' | 'cache_read' | 'cache_creation') =>
        u.reduce((s, m) => s + m[k], 0);
      const total = sum('prompt') + sum('completion') + sum('cache_read') + sum('cache_creation');
      const q = query as OtlpSpan;
      expect(spanAttr(q, 'input_tokens')).toBe(sum('prompt'));
      expect(spanAttr(q, 'output_tokens')).toBe(sum('completion'));
      expect(spanAttr(q, 'cache_read_input_tokens')).toBe(sum('cache_read'));
      expect(spanAttr(q, 'cache_creation_input_tokens')).toBe(sum('cache_creation'));
      expect(spanAttr(q, 'total_tokens')).toBe(total);
      expect(spanAttr(q, 'cost_usd')).toBeCloseTo(run.cost_usd, 12);
      expect(spanAttr(q, 'openai.tokens.prompt')).toBe(sum('prompt'));
      expect(spanAttr(q, 'openai.tokens.completion')).toBe(sum('completion'));
      expect(spanAttr(q, 'openai.tokens.total')).toBe(total);
      expect(spanAttr(q, 'openai.model')).toBe('claude-sonnet-4-5');
      expect(spanAttr(q, 'openai.duration_ms')).toBe(run.duration_ms);
      expect(spanAttr(q, 'openai.cost.estimated_usd')).toBeCloseTo(run.cost_usd, 12);
      expect(spanAttr(q, 'openai.cost.estimated_cents')).toBeCloseTo(run.cost_usd * 100, 10);
      expect(spanAttr(q, 'operation')).toBe('swarm');
      expect(spanAttr(q, 'gen_ai.operation.name')).toBe('invoke_agent');
      expect(spanAttr(q, 'gen_ai.usage.output_tokens')).toBe(sum('completion'));
      expect(spanAttr(q, 'gen_ai.conversation.id')).toBe(run.session_id);
      // Children: one per turn and per tool call, with the times from the stream.
      const children = spans.filter((s) => s.parentSpanId === q.spanId);
      const turns = children.filter((s) => s.name.startsWith('chat '));
      const tools = children.filter((s) => s.name.startsWith('execute_tool '));
      expect(turns.map((t) => t.startTimeUnixNano).sort()).toEqual(
        run.turns.map((t) => `${t.start_ms}000000`).sort(),
      );
      expect(tools.map((t) => t.endTimeUnixNano).sort()).toEqual(
        run.tool_spans.map((t) => `${t.end_ms}000000`).sort(),
      );
      expect(tools.every((t) => spanAttr(t, 'gen_ai.tool.name') === 'Bash')).toBe(true);
    }
    expect(byId.get(runSpanIdFor(b.run_id))?.status?.code).toBe(2);
  });
});
