// A span per subagent invocation (`subagent <type>`), under the span of the `Agent` tool call that
// started it (under the run's span when that call is not among the run's tool spans), with the
// subagent's type, models, tokens and cost from the record's subagent_calls.
import type { RunRecord } from '../ledger/schema.js';
import type { SpanSpec } from './span-spec.js';
import { childSpanIdFor } from './trace-ids.js';

export function subagentSpans(run: RunRecord, traceId: string, runSpanId: string): SpanSpec[] {
  const tools = new Map(run.tool_spans.map((t) => [t.id, t]));
  const runEnd = Date.parse(run.ended_at);
  return (run.subagent_calls ?? []).map((call) => {
    const tool = call.tool_use_id ? tools.get(call.tool_use_id) : undefined;
    // The subagent runs while its Agent call does; its own messages' times are the fallback.
    const startMs = tool ? Math.min(tool.start_ms, call.start_ms) : call.start_ms;
    const endMs = Math.max(tool ? (tool.end_ms ?? runEnd) : call.end_ms, call.end_ms, startMs);
    const t = call.tokens;
    return {
      traceId,
      spanId: childSpanIdFor(run.run_id, 'subagent', call.agent_id),
      parentSpanId: tool ? childSpanIdFor(run.run_id, 'tool', tool.id) : runSpanId,
      name: `subagent ${call.type}`,
      kind: 'internal',
      startMs,
      endMs,
      status: tool?.is_error ? 'error' : 'unset',
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.agent.name': call.type,
        'gen_ai.agent.id': call.agent_id,
        ...(call.models[0] ? { 'gen_ai.request.model': call.models[0] } : {}),
        'gen_ai.usage.input_tokens': t.prompt + t.cache_read + t.cache_creation,
        'gen_ai.usage.output_tokens': t.completion,
        'gen_ai.usage.cache_read.input_tokens': t.cache_read,
        'gen_ai.usage.cache_creation.input_tokens': t.cache_creation,
        'claude_otel.subagent.type': call.type,
        'claude_otel.subagent.models': call.models,
        ...(call.tool_use_id ? { 'gen_ai.tool.call.id': call.tool_use_id } : {}),
        total_tokens: t.total,
        cost_usd: call.cost_usd,
      },
    };
  });
}
