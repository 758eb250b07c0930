// RunAccumulator over the recorded streams: one turn per message id (a message spans several
// lines), tool calls opened by tool_use and closed by their tool_result, the result kept, damage
// counted. Token figures are checked against what the scripted endpoint served for each turn.
import { describe, expect, it } from 'vitest';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { priceRequest } from '../../../src/pricing/price-usage.js';
import { MAX_DETAIL, RunAccumulator } from '../../../src/stream/run-accumulator.js';
import { turnUsage } from '../../support/scripted-api/scenario.js';
import { RECORDED, rawObjects, rawResult, scenarioOf, streamLines } from './recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);

/** Feeds lines at t = 1000, 1001, ... so times are predictable. */
function accumulate(lines: string[]): RunAccumulator {
  const acc = new RunAccumulator(999);
  lines.forEach((line, i) => {
    acc.push(line, 1000 + i);
  });
  return acc;
}

function distinctMessageIds(name: string): string[] {
  const ids: string[] = [];
  for (const o of rawObjects(name)) {
    // Claude Code's synthetic messages (API errors) are not model turns.
    const id = o.type === 'assistant' && o.message?.model !== '<synthetic>' ? o.message?.id : undefined;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

describe('RunAccumulator on recorded streams', () => {
  it.each(RECORDED)('%s: one turn per distinct message id, the init and result kept', (name) => {
    const acc = accumulate(streamLines(name));
    const raw = rawObjects(name);
    const init = raw.find((o) => o.type === 'system' && o.subtype === 'init')!;
    const ids = distinctMessageIds(name);
    if (name !== 'api-error') expect(ids.length).toBeGreaterThan(0);
    expect([...acc.turns.keys()]).toEqual(ids);
    expect(acc.sessionId).toBe(init.session_id);
    expect(acc.initModel).toBe(init.model);
    expect(acc.claudeVersion).toBe(init.claude_code_version);
    expect(acc.result?.subtype).toBe(rawResult(name).subtype);
    expect(acc.result?.total_cost_usd).toBe(rawResult(name).total_cost_usd);
    expect(acc.malformed).toBe(0);
    expect(acc.lines).toBe(streamLines(name).length);
  });

  it('tools-sonnet-4-5: turn usage as served, with streamed output undercounted', () => {
    const s = scenarioOf('tools-sonnet-4-5');
    const acc = accumulate(streamLines('tools-sonnet-4-5'));
    const turns = [...acc.turns.values()];
    expect(turns).toHaveLength(Number(s.params.turns) + 1);
    turns.forEach((turn, t) => {
      const served = turnUsage({ name: s.scenario, params: s.params }, t);
      expect(turn).toMatchObject({
        model: 'claude-sonnet-4-5',
        input: served.input_tokens,
        cache_read: served.cache_read_input_tokens,
        cache_creation: served.cache_creation_input_tokens,
        cache_creation_1h: 0,
        subagent: false,
        // Claude Code prints the value at message start.
        output: 1,
      });
      expect(turn.tool_uses).toBe(t < turns.length - 1 ? 1 : 0);
      expect(turn.ended_at).toBeGreaterThanOrEqual(turn.started_at);
    });
  });

  it('tools-sonnet-4-5: every tool call is paired with its tool_result', () => {
    const name = 'tools-sonnet-4-5';
    const acc = accumulate(streamLines(name));
    const toolUses = rawObjects(name).flatMap((o) =>
      o.type === 'assistant' ? (o.message?.content ?? []).filter((b) => b.type === 'tool_use') : [],
    );
    const results = rawObjects(name).flatMap((o) =>
      o.type === 'user' ? (o.message?.content ?? []).filter((b) => b.type === 'tool_result') : [],
    );
    expect(toolUses).toHaveLength(3);
    expect([...acc.toolCalls.keys()]).toEqual(toolUses.map((b) => b.id));
    expect(results.map((b) => b.tool_use_id)).toEqual(toolUses.map((b) => b.id));
    const lines = streamLines(name);
    for (const call of acc.toolCalls.values()) {
      // Opened at its tool_use line, closed at its tool_result line (times are line numbers here).
      expect(lines[call.started_at - 1000]).toContain(`"id":"${call.id}"`);
      expect(call.ended_at).not.toBeNull();
      expect(lines[call.ended_at! - 1000]).toContain(`"tool_use_id":"${call.id}"`);
      expect(call.name).toBe('Glob');
      // The scripted Glob is not available in -p mode: Claude Code answers with an error result.
      expect(call.is_error).toBe(true);
      expect(acc.turns.get(call.turn_id)?.tool_uses).toBe(1);
    }
  });

  it('cache-1h: keeps the 1-hour cache writes of every turn', () => {
    const acc = accumulate(streamLines('cache-1h'));
    const turns = [...acc.turns.values()];
    expect(turns).toHaveLength(3);
    expect(turns.map((t) => t.cache_creation_1h)).toEqual([50, 50, 50]);
    expect(turns.map((t) => t.cache_creation)).toEqual([80, 83, 86]);
  });

  it('api-error: the synthetic message is no turn (no usage, no unknown model), and the error result', () => {
    const acc = accumulate(streamLines('api-error'));
    expect(
      rawObjects('api-error').some((o) => o.type === 'assistant' && o.message?.model === '<synthetic>'),
    ).toBe(true);
    expect(acc.turns.size).toBe(0);
    expect(acc.result).toMatchObject({ subtype: 'success', is_error: true });
    expect(acc.resultText()).toContain('API Error: 400');
    expect(acc.toolCalls.size).toBe(0);
  });

  it('max-turns: the error_max_turns result and both tool calls', () => {
    const acc = accumulate(streamLines('max-turns'));
    expect(acc.result).toMatchObject({ subtype: 'error_max_turns', is_error: true });
    expect(acc.turns.size).toBe(2);
    expect([...acc.toolCalls.values()].every((c) => c.ended_at !== null)).toBe(true);
  });

  it('malformed: counts the 4 damaged lines and keeps everything else', () => {
    const acc = accumulate(streamLines('malformed'));
    expect(acc.malformed).toBe(4);
    expect(acc.firstMalformed).toBe('unexpected assistant line at message.id');
    // The torn line was the second line of turn 2: the turn survives through its first line.
    expect(acc.turns.size).toBe(4);
    expect(acc.result?.total_cost_usd).toBe(rawResult('tools-sonnet-4-5').total_cost_usd);
    // Turn 2's tool_use was on the torn line, so only 2 of the 3 tool calls are known; the first
    // one's tool_result line was garbled, so it never ended.
    const calls = [...acc.toolCalls.values()];
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.ended_at === null)).toEqual([true, false]);
  });
});

describe('RunAccumulator bookkeeping', () => {
  const lines = streamLines('tools-sonnet-4-5');

  it('a tool_result closes its call once; unknown ids are ignored', () => {
    const acc = accumulate(lines);
    const [first] = acc.toolCalls.values();
    const endedAt = first!.ended_at;
    const again = JSON.stringify({
      type: 'user',
      message: {
        content: [
          { type: 'tool_result', tool_use_id: first!.id, is_error: false },
          { type: 'tool_result', tool_use_id: 'toolu_nobody' },
        ],
      },
    });
    acc.push(again, 99_999);
    expect(first!.ended_at).toBe(endedAt);
    expect(first!.is_error).toBe(true);
    expect(acc.toolCalls.size).toBe(3);
  });

  it('estimates cost as Claude Code reported it once the result is in', () => {
    const acc = accumulate(lines);
    expect(acc.estimateCostUsd(table)).toBe(rawResult('tools-sonnet-4-5').total_cost_usd);
  });

  it('before the result, estimates from the streamed requests with the price table', () => {
    const acc = accumulate(lines.filter((l) => !l.includes('"modelUsage"')));
    expect(acc.result).toBeUndefined();
    const rates = table.lookup('claude-sonnet-4-5')!.rates;
    let want = 0;
    for (const r of acc.streamedRequests().get('claude-sonnet-4-5')!) want += priceRequest(rates, r);
    expect(want).toBeGreaterThan(0);
    expect(acc.estimateCostUsd(table)).toBeCloseTo(want, 15);
  });

  it('prices a model missing from the table at the most expensive tier, never at zero', () => {
    const acc = accumulate(
      lines
        .filter((l) => !l.includes('"modelUsage"'))
        .map((l) => l.replaceAll('claude-sonnet-4-5', 'claude-x-9')),
    );
    const reqs = acc.streamedRequests().get('claude-x-9')!;
    expect(reqs).toHaveLength(4);
    const priciest = table.models().reduce((a, b) => (b.rates.output > a.rates.output ? b : a)).rates;
    const want = reqs.reduce((sum, r) => sum + priceRequest(priciest, r), 0);
    expect(acc.estimateCostUsd(table)).toBeCloseTo(want, 15);
    expect(acc.estimateCostUsd(table)).toBeGreaterThan(
      reqs.reduce((sum, r) => sum + priceRequest(table.lookup('claude-sonnet-4-5')!.rates, r), 0),
    );
  });

  it('marks turns of a subagent (a parent tool use id)', () => {
    const line = lines.find((l) => l.startsWith('{"type":"assistant"'))!;
    const sub = JSON.parse(line);
    sub.parent_tool_use_id = 'toolu_parent';
    sub.message.id = 'msg_sub';
    const acc = accumulate([line, JSON.stringify(sub)]);
    expect(acc.turns.get('msg_sub')?.subagent).toBe(true);
    expect([...acc.turns.values()][0]?.subagent).toBe(false);
  });

  it(`keeps at most ${MAX_DETAIL} turns and counts the rest`, () => {
    const acc = new RunAccumulator(0);
    const extra = 7;
    for (let i = 0; i < MAX_DETAIL + extra; i++) {
      acc.apply(
        {
          kind: 'assistant',
          line: {
            type: 'assistant',
            message: { id: `m${i}`, model: 'claude-sonnet-4-5', content: [] },
          },
        },
        i,
      );
    }
    expect(acc.turns.size).toBe(MAX_DETAIL);
    expect(acc.droppedDetail).toBe(extra);
  });
});
