// Subagent spans over a run recorded from the real CLI (recorded fixtures): one `subagent <type>`
// span per invocation, a child of the `Agent` tool call's span, carrying the invocation's usage.
import { describe, expect, it } from 'vitest';
import { spansFor } from '../../../src/export/span-model.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { foldTranscriptFiles } from '../../../src/transcript/fold.js';
import { readSubagentMetas } from '../../../src/transcript/subagent-meta.js';
import { sessionWith, wrappedRecord } from '../transcript/recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);

describe('subagent spans', () => {
  const s = sessionWith('agent');
  const run = wrappedRecord(
    s,
    { ...foldTranscriptFiles(s.files), subagents: readSubagentMetas(s.files.slice(1)) },
    table,
  );

  it('hang under the Agent tool call that started them, with type, model, tokens and cost', () => {
    const spans = spansFor([run]);
    const subs = spans.filter((sp) => sp.name.startsWith('subagent '));
    expect(subs.map((sp) => sp.name)).toEqual(['subagent general-purpose']);
    const agentCall = spans.find((sp) => sp.name === 'execute_tool Agent')!;
    expect(agentCall.attributes['gen_ai.tool.call.id']).toBe('toolu_msg_scripted_5_9428');
    const sub = subs[0]!;
    expect(sub.parentSpanId).toBe(agentCall.spanId);
    expect(sub.traceId).toBe(agentCall.traceId);
    const call = run.subagent_calls![0]!;
    expect(sub.attributes).toMatchObject({
      'claude_otel.subagent.type': 'general-purpose',
      'gen_ai.request.model': 'claude-haiku-5-5',
      'gen_ai.usage.output_tokens': call.tokens.completion,
      total_tokens: call.tokens.total,
      cost_usd: call.cost_usd,
    });
    expect(call.tokens.total).toBe(run.subagents!['general-purpose']!.models['claude-haiku-5-5']!.total);
    expect(sub.startMs).toBeLessThanOrEqual(sub.endMs);
    // Deterministic: a re-export gives the same ids.
    expect(spansFor([run])).toEqual(spans);
  });

  it('hang under the run when the Agent call is not among its tool spans', () => {
    const spans = spansFor([{ ...run, tool_spans: [] }]);
    const sub = spans.find((sp) => sp.name.startsWith('subagent '))!;
    expect(sub.parentSpanId).toBe(spans.find((sp) => sp.name === 'agent_query')!.spanId);
  });
});
