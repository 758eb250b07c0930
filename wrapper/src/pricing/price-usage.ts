// Prices token usage with the table, the way Claude Code prices its own costUSD: per request,
// with 1-hour cache writes split from 5-minute ones, long-prompt rates chosen per request, the
// 1.1x US inference-geo multiplier, and web search per request.
import type { PriceTable, Tier } from './price-table.js';

export interface RequestUsage {
  input: number;
  output: number;
  cache_read: number;
  cache_creation: number;
  /** Of cache_creation, how many were 1-hour writes (the rest are 5-minute writes). */
  cache_creation_1h?: number;
  web_search_requests?: number;
  inference_geo?: string | null;
}

export const US_INFERENCE_GEO_MULTIPLIER = 1.1;

function ratesFor(tier: Tier, u: RequestUsage) {
  const long = tier.long_prompt;
  if (long && u.input + u.cache_read + u.cache_creation > long.above_prompt_tokens) return long;
  return tier;
}

export function priceRequest(tier: Tier, u: RequestUsage): number {
  const r = ratesFor(tier, u);
  const oneHour = Math.min(Math.max(u.cache_creation_1h ?? 0, 0), u.cache_creation);
  const cacheWrite =
    oneHour <= 0
      ? (u.cache_creation / 1e6) * r.cache_write_5m
      : (oneHour / 1e6) * r.cache_write_1h + ((u.cache_creation - oneHour) / 1e6) * r.cache_write_5m;
  const tokens =
    (u.input / 1e6) * r.input +
    (u.output / 1e6) * r.output +
    (u.cache_read / 1e6) * r.cache_read +
    cacheWrite;
  const geo = u.inference_geo === 'us' ? US_INFERENCE_GEO_MULTIPLIER : 1;
  return tokens * geo + (u.web_search_requests ?? 0) * tier.web_search;
}

/** Cost of a list of requests of one model, or undefined when the model is not in the table. */
export function priceRequests(
  table: PriceTable,
  model: string,
  requests: RequestUsage[],
): number | undefined {
  const price = table.lookup(model);
  if (!price) return undefined;
  let sum = 0;
  for (const request of requests) sum += priceRequest(price.rates, request);
  return sum;
}

/** What the same tokens would have cost with no caching: every cached token billed as fresh input. */
export function priceUncached(tier: Tier, u: RequestUsage): number {
  return priceRequest(tier, {
    input: u.input + u.cache_read + u.cache_creation,
    output: u.output,
    cache_read: 0,
    cache_creation: 0,
    web_search_requests: u.web_search_requests ?? 0,
    inference_geo: u.inference_geo ?? null,
  });
}
