// The trace of an invocation as pure data: a root span, a `session_N` span per agent, an
// `agent_query` span per Claude Code run, and child spans per model turn and tool call with the
// times the stream reported. Ids are deterministic (trace-ids.ts), so a re-export repeats them.

import { IDENTITY_KEYS } from '../config/identity.js';
import type { RunRecord } from '../ledger/schema.js';
import { primaryModel } from '../usage/cost-split.js';
import type { SpanAttributes, SpanSpec } from './span-spec.js';
import { subagentSpans } from './subagent-spans.js';
import { agentSpanIdFor, childSpanIdFor, rootSpanIdFor, runSpanIdFor, traceIdFor } from './trace-ids.js';

export type { SpanAttributes, SpanSpec } from './span-spec.js';

/** `session_N` for an agent: its trailing number when it has one, else its name. */
export function sessionSpanName(agent: string): string {
  if (/^session_\w+$/.test(agent)) return agent;
  const n = /(\d+)$/.exec(agent)?.[1];
  return `session_${n ?? agent}`;
}

export function runTraceId(record: RunRecord): string {
  return record.trace_id ?? traceIdFor(record.invocation_id);
}

export function runSpanId(record: RunRecord): string {
  return record.span_id ?? runSpanIdFor(record.run_id);
}

/**
 * Spans for the given runs. The root and session spans cover the runs at hand: when an
 * invocation's runs are exported in several calls, each call repeats them with the same ids
 * (trace stores keep one), widened to the runs it knows.
 */
export function spansFor(records: RunRecord[]): SpanSpec[] {
  const spans: SpanSpec[] = [];
  const byInvocation = new Map<string, RunRecord[]>();
  for (const r of records)
    byInvocation.set(r.invocation_id, [...(byInvocation.get(r.invocation_id) ?? []), r]);
  for (const [invocation, runs] of byInvocation) {
    const first = runs[0] as RunRecord;
    const traceId = runTraceId(first);
    const rootId = rootSpanIdFor(invocation);
    const agents = new Map<string, RunRecord[]>();
    for (const r of runs) agents.set(r.agent, [...(agents.get(r.agent) ?? []), r]);
    spans.push({
      traceId,
      spanId: rootId,
      name: first.operation,
      kind: 'internal',
      ...envelope(runs),
      status: runs.some((r) => r.status === 'error') ? 'error' : 'ok',
      attributes: {
        operation: first.operation,
        'claude_otel.invocation_id': invocation,
        'claude_otel.agents': agents.size,
        'gen_ai.operation.name': 'invoke_agent',
      },
    });
    for (const [agent, agentRuns] of agents) {
      const sessionId = agentSpanIdFor(invocation, agent);
      spans.push({
        traceId,
        spanId: sessionId,
        parentSpanId: rootId,
        name: sessionSpanName(agent),
        kind: 'internal',
        ...envelope(agentRuns),
        status: agentRuns.some((r) => r.status === 'error') ? 'error' : 'ok',
        attributes: { agent, operation: first.operation, 'gen_ai.agent.name': agent },
      });
      for (const run of agentRuns) spans.push(...runSpans(run, traceId, sessionId));
    }
  }
  return spans;
}

function envelope(runs: RunRecord[]): { startMs: number; endMs: number } {
  const starts = runs.map((r) => Date.parse(r.started_at));
  const ends = runs.map((r) => Date.parse(r.ended_at));
  return { startMs: Math.min(...starts), endMs: Math.max(...ends) };
}

function runSpans(run: RunRecord, traceId: string, parentSpanId: string): SpanSpec[] {
  const spanId = runSpanId(run);
  const startMs = Date.parse(run.started_at);
  const endMs = Date.parse(run.ended_at);
  const spans: SpanSpec[] = [
    {
      traceId,
      spanId,
      parentSpanId,
      name: 'agent_query',
      kind: 'client',
      startMs,
      endMs,
      status: run.status === 'error' ? 'error' : 'ok',
      ...(run.status === 'error' ? { statusMessage: run.subtype ?? run.termination } : {}),
      attributes: runAttributes(run),
    },
  ];
  for (const turn of run.turns) {
    spans.push({
      traceId,
      spanId: childSpanIdFor(run.run_id, 'turn', turn.message_id),
      parentSpanId: spanId,
      name: `chat ${turn.model}`,
      kind: 'client',
      startMs: turn.start_ms,
      endMs: Math.max(turn.end_ms, turn.start_ms),
      status: 'unset',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': turn.model,
        'gen_ai.response.model': turn.model,
        'gen_ai.response.id': turn.message_id,
        'gen_ai.usage.input_tokens': turn.input + turn.cache_read + turn.cache_creation,
        'gen_ai.usage.output_tokens': turn.output,
        'gen_ai.usage.cache_read.input_tokens': turn.cache_read,
        'gen_ai.usage.cache_creation.input_tokens': turn.cache_creation,
        'claude_otel.tool_uses': turn.tool_uses,
        'claude_otel.subagent': turn.subagent,
      },
    });
  }
  for (const tool of run.tool_spans) {
    const toolEnd = tool.end_ms ?? endMs;
    spans.push({
      traceId,
      spanId: childSpanIdFor(run.run_id, 'tool', tool.id),
      parentSpanId: spanId,
      name: `execute_tool ${tool.name}`,
      kind: 'internal',
      startMs: tool.start_ms,
      endMs: Math.max(toolEnd, tool.start_ms),
      status: tool.is_error ? 'error' : 'unset',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool.name,
        'gen_ai.tool.call.id': tool.id,
        'claude_otel.turn_span_id': childSpanIdFor(run.run_id, 'turn', tool.turn_id),
        'claude_otel.completed': tool.end_ms !== null,
      },
    });
  }
  spans.push(...subagentSpans(run, traceId, spanId));
  return spans;
}

function runAttributes(run: RunRecord): SpanAttributes {
  let prompt = 0;
  let completion = 0;
  let cacheRead = 0;
  let cacheCreation = 0;
  for (const u of Object.values(run.models)) {
    prompt += u.prompt;
    completion += u.completion;
    cacheRead += u.cache_read;
    cacheCreation += u.cache_creation;
  }
  const total = prompt + completion + cacheRead + cacheCreation;
  const model = primaryModel(run);
  const models = Object.keys(run.models);
  const attributes: SpanAttributes = {
    operation: run.operation,
    agent: run.agent,
    status: run.status,
    input_tokens: prompt,
    output_tokens: completion,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
    total_tokens: total,
    cost_usd: run.cost_usd,
    'openai.model': model,
    'openai.models': models,
    'openai.tokens.prompt': prompt,
    'openai.tokens.completion': completion,
    'openai.tokens.total': total,
    'openai.duration_ms': run.duration_ms,
    'openai.cost.estimated_usd': run.cost_usd,
    'openai.cost.estimated_cents': run.cost_usd * 100,
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.agent.name': run.agent,
    'gen_ai.request.model': model,
    'gen_ai.response.model': model,
    'gen_ai.usage.input_tokens': prompt + cacheRead + cacheCreation,
    'gen_ai.usage.output_tokens': completion,
    'gen_ai.usage.cache_read.input_tokens': cacheRead,
    'gen_ai.usage.cache_creation.input_tokens': cacheCreation,
    'claude_otel.run_id': run.run_id,
    'claude_otel.invocation_id': run.invocation_id,
    'claude_otel.num_turns': run.num_turns,
    'claude_otel.termination': run.termination,
    'claude_otel.cost_source': run.cost_source,
  };
  // Team mode: the same labels as the run's metrics, so a trace store finds a team's runs.
  for (const key of IDENTITY_KEYS) {
    const value = run.identity?.[key];
    if (value) attributes[key] = value;
  }
  if (run.session_id) {
    attributes['session.id'] = run.session_id;
    attributes['gen_ai.conversation.id'] = run.session_id;
  }
  if (run.exit_code !== null) attributes['process.exit.code'] = run.exit_code;
  if (run.subtype) attributes['claude_otel.subtype'] = run.subtype;
  if (run.claude_version) attributes['claude_otel.claude_version'] = run.claude_version;
  return attributes;
}
