// A run's billed usage. From Claude Code's result: per-model `modelUsage` (it includes side calls
// that no streamed message shows) and Claude Code's own cost. From the stream alone (a run that
// was cut short): the streamed requests, priced with the table, marked as partial.
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest, priceRequests } from '../pricing/price-usage.js';
import type { RunAccumulator } from '../stream/run-accumulator.js';
import type { ModelUsageEntry, ResultLine } from '../stream/schema.js';
import {
  addTokens,
  type CostSource,
  type ModelUsage,
  type TokenCounts,
  tokenCounts,
  zeroTokens,
} from './tokens.js';

export type UsageSource = 'result' | 'stream' | 'transcript';

export interface RunUsage {
  models: Record<string, ModelUsage>;
  tokens: TokenCounts;
  /** US dollars: Claude Code's figure when it reported one, else the price table's. */
  cost_usd: number;
  cost_source: CostSource;
  usage_source: UsageSource;
  unknown_models: string[];
}

export function usageFromResult(result: ResultLine, table: PriceTable, fallbackModel?: string): RunUsage {
  const models: Record<string, ModelUsage> = {};
  const entries = result.modelUsage ?? {};
  if (Object.keys(entries).length > 0) {
    for (const [model, entry] of Object.entries(entries))
      models[model] = modelUsageFromEntry(model, entry, table);
  } else if (result.usage && fallbackModel) {
    const u = result.usage;
    const entry: ModelUsageEntry = {
      inputTokens: u.input_tokens,
      outputTokens: u.output_tokens,
      cacheReadInputTokens: u.cache_read_input_tokens ?? 0,
      cacheCreationInputTokens: u.cache_creation_input_tokens ?? 0,
      cacheCreationEphemeral1hInputTokens: u.cache_creation?.ephemeral_1h_input_tokens,
    };
    const hasTokens =
      entry.inputTokens + entry.outputTokens + entry.cacheReadInputTokens + entry.cacheCreationInputTokens;
    if (hasTokens > 0) models[fallbackModel] = modelUsageFromEntry(fallbackModel, entry, table);
  }
  return summarize(models, 'result', result.total_cost_usd, table);
}

export function usageFromStream(acc: RunAccumulator, table: PriceTable): RunUsage {
  if (acc.result) return usageFromResult(acc.result, table, acc.initModel);
  const models: Record<string, ModelUsage> = {};
  for (const [model, requests] of acc.streamedRequests()) {
    const usage = emptyModelUsage();
    for (const r of requests) {
      addTokens(usage, tokenCounts(r.input, r.output, r.cache_read, r.cache_creation));
      usage.cache_creation_1h += r.cache_creation_1h ?? 0;
    }
    usage.cache_creation_5m = usage.cache_creation - usage.cache_creation_1h;
    const cost = priceRequests(table, model, requests);
    usage.cost_usd = cost ?? null;
    usage.cost_source = cost === undefined ? 'unknown' : 'price_table';
    models[model] = usage;
  }
  return summarize(models, 'stream', undefined, table);
}

export function modelUsageFromEntry(model: string, e: ModelUsageEntry, table: PriceTable): ModelUsage {
  const oneHour = Math.min(e.cacheCreationEphemeral1hInputTokens ?? 0, e.cacheCreationInputTokens);
  const usage: ModelUsage = {
    ...tokenCounts(e.inputTokens, e.outputTokens, e.cacheReadInputTokens, e.cacheCreationInputTokens),
    cache_creation_5m: e.cacheCreationInputTokens - oneHour,
    cache_creation_1h: oneHour,
    web_search_requests: e.webSearchRequests ?? 0,
    cost_usd: null,
    cost_source: 'unknown',
  };
  if (e.costUSD !== undefined) {
    usage.cost_usd = e.costUSD;
    usage.cost_source = 'claude';
    return usage;
  }
  const price = table.lookup(model);
  if (price) {
    usage.cost_usd = priceRequest(price.rates, {
      input: usage.prompt,
      output: usage.completion,
      cache_read: usage.cache_read,
      cache_creation: usage.cache_creation,
      cache_creation_1h: oneHour,
      web_search_requests: usage.web_search_requests,
    });
    usage.cost_source = 'price_table';
  }
  return usage;
}

export function emptyModelUsage(): ModelUsage {
  return {
    ...zeroTokens(),
    cache_creation_5m: 0,
    cache_creation_1h: 0,
    web_search_requests: 0,
    cost_usd: null,
    cost_source: 'unknown',
  };
}

function summarize(
  models: Record<string, ModelUsage>,
  source: UsageSource,
  reportedTotal: number | undefined,
  table: PriceTable,
) {
  const tokens = zeroTokens();
  let cost = 0;
  let unpriced = false;
  const unknown: string[] = [];
  let fromTable = false;
  for (const [model, usage] of Object.entries(models)) {
    addTokens(tokens, usage);
    if (usage.cost_usd === null) unpriced = true;
    else cost += usage.cost_usd;
    // Listed even when Claude Code reported a cost for it: for a model it does not know, Claude
    // Code's figure is a fallback guess (costBasis "unknown"), and the table could not check it.
    if (usage.cost_usd === null || !table.lookup(model)) unknown.push(model);
    if (usage.cost_source === 'price_table') fromTable = true;
  }
  let costSource: CostSource = fromTable ? 'price_table' : 'claude';
  if (reportedTotal !== undefined) {
    cost = reportedTotal;
    costSource = 'claude';
  } else if (unpriced) {
    costSource = 'unknown';
  } else if (Object.keys(models).length === 0) {
    costSource = source === 'result' ? 'claude' : 'price_table';
  }
  return {
    models,
    tokens,
    cost_usd: cost,
    cost_source: costSource,
    usage_source: source,
    unknown_models: unknown,
  };
}
