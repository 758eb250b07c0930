import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionSpanName, spansFor } from '../../../src/export/span-model.js';
import { agentSpanIdFor, rootSpanIdFor, runSpanIdFor, traceIdFor } from '../../../src/export/trace-ids.js';
import { syntheticRun } from '../../support/collector-fixtures.js';

describe('spansFor', () => {
  it('builds root → session_N → agent_query → turns/tools with deterministic ids', () => {
    const inv = randomUUID();
    const a = syntheticRun({ invocation_id: inv, agent: 'agent_1', turns: 2 });
    const b = syntheticRun({ invocation_id: inv, agent: 'agent_2', turns: 1 });
    const spans = spansFor([a, b]);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceIdFor(inv)]));
    const root = spans.find((s) => s.spanId === rootSpanIdFor(inv));
    expect(root?.parentSpanId).toBeUndefined();
    const session = spans.find((s) => s.spanId === agentSpanIdFor(inv, 'agent_2'));
    expect(session?.name).toBe('session_2');
    expect(session?.parentSpanId).toBe(root?.spanId);
    const query = spans.find((s) => s.spanId === runSpanIdFor(b.run_id));
    expect(query?.parentSpanId).toBe(session?.spanId);
    expect(spans.filter((s) => s.parentSpanId === runSpanIdFor(a.run_id))).toHaveLength(2 + 1);
    expect(spans).toHaveLength(1 + 2 + 2 + 3 + 1);
    expect(spansFor([a, b])).toEqual(spans);
  });

  it('uses the trace context the run was given (TRACEPARENT) when the record has one', () => {
    const r = { ...syntheticRun(), trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) };
    const query = spansFor([r]).find((s) => s.name === 'agent_query');
    expect(query?.traceId).toBe('a'.repeat(32));
    expect(query?.spanId).toBe('b'.repeat(16));
  });

  it('a team-mode run span carries team, user and project; other runs none of them', () => {
    const identity = { team: 'red', user: 'u-0123456789ab', project: 'acme/x' };
    const query = spansFor([{ ...syntheticRun(), identity }]).find((s) => s.name === 'agent_query');
    expect(query?.attributes).toMatchObject(identity);
    const plain = spansFor([syntheticRun()]).find((s) => s.name === 'agent_query');
    for (const key of ['team', 'user', 'project']) expect(plain?.attributes[key]).toBeUndefined();
  });

  it('an unfinished tool call ends with its run', () => {
    const r = syntheticRun({ turns: 2 });
    const open = { ...r, tool_spans: r.tool_spans.map((t) => ({ ...t, end_ms: null })) };
    const tool = spansFor([open]).find((s) => s.name.startsWith('execute_tool'));
    expect(tool?.endMs).toBe(Date.parse(r.ended_at));
  });
});

describe('sessionSpanName', () => {
  it.each([
    ['agent_3', 'session_3'],
    ['agent-12', 'session_12'],
    ['session_4', 'session_4'],
    ['main', 'session_main'],
  ])('%s → %s', (agent, name) => expect(sessionSpanName(agent)).toBe(name));
});
