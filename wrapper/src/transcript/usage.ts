// Sums folded transcript messages into a run's usage: tokens and cost per model (priced request by
// request, like Claude Code prices them, 1-hour cache writes at their own rate) and tool calls.
import type { RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest } from '../pricing/price-usage.js';
import { emptyModelUsage } from '../usage/run-usage.js';
import { addTokens, type ModelUsage, tokenCounts } from '../usage/tokens.js';
import type { TranscriptMessage } from './fold.js';

export type TranscriptUsage = Pick<
  RunRecordInput,
  'cost_usd' | 'cost_source' | 'unknown_models' | 'tool_calls'
> & {
  models: Record<string, ModelUsage>;
};

/** The price of one message with the table's rates; undefined for a model the table lacks. */
export function priceMessage(m: TranscriptMessage, table: PriceTable): number | undefined {
  const price = table.lookup(m.model);
  if (!price) return undefined;
  return priceRequest(price.rates, {
    input: m.input,
    output: m.output,
    cache_read: m.cache_read,
    cache_creation: m.cache_creation,
    cache_creation_1h: Math.min(m.cache_creation_1h, m.cache_creation),
    web_search_requests: m.web_search_requests,
    inference_geo: m.inference_geo,
  });
}

export function usageFromMessages(
  messages: Iterable<TranscriptMessage>,
  table: PriceTable,
  toolErrors: Set<string>,
): TranscriptUsage {
  const models: Record<string, ModelUsage> = {};
  const toolCalls: RunRecordInput['tool_calls'] = {};
  const unknown = new Set<string>();
  let cost = 0;
  for (const m of messages) {
    models[m.model] ??= emptyModelUsage();
    const u = models[m.model]!;
    addTokens(u, tokenCounts(m.input, m.output, m.cache_read, m.cache_creation));
    const oneHour = Math.min(m.cache_creation_1h, m.cache_creation);
    u.cache_creation_1h += oneHour;
    u.cache_creation_5m += m.cache_creation - oneHour;
    u.web_search_requests += m.web_search_requests;
    const c = priceMessage(m, table);
    if (c === undefined) {
      unknown.add(m.model);
      u.cost_usd = null;
      u.cost_source = 'unknown';
    } else if (!unknown.has(m.model)) {
      u.cost_usd = (u.cost_usd ?? 0) + c;
      u.cost_source = 'price_table';
      cost += c;
    }
    for (const tool of m.tools) {
      const [name = 'unknown', id = ''] = tool.split('\u0000');
      toolCalls[name] ??= { count: 0, errors: 0, duration_ms: 0 };
      const stat = toolCalls[name]!;
      stat.count++;
      if (toolErrors.has(id)) stat.errors++;
    }
  }
  return {
    models,
    cost_usd: cost,
    cost_source: unknown.size > 0 ? 'unknown' : 'price_table',
    unknown_models: [...unknown].sort(),
    tool_calls: toolCalls,
  };
}
