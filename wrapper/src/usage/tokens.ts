// Token counts as claude-otel reports them: prompt (uncached input), completion (output),
// cache_read, cache_creation and total (the sum of the four), per model and summed.

export const TOKEN_TYPES = ['prompt', 'completion', 'cache_read', 'cache_creation', 'total'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenCounts = Record<TokenType, number>;

export type CostSource = 'claude' | 'price_table' | 'unknown';

export interface ModelUsage extends TokenCounts {
  cache_creation_5m: number;
  cache_creation_1h: number;
  web_search_requests: number;
  /** US dollars; null when the model's price is unknown and Claude Code reported none. */
  cost_usd: number | null;
  cost_source: CostSource;
}

export function zeroTokens(): TokenCounts {
  return { prompt: 0, completion: 0, cache_read: 0, cache_creation: 0, total: 0 };
}

export function tokenCounts(
  prompt: number,
  completion: number,
  cacheRead: number,
  cacheCreation: number,
): TokenCounts {
  return {
    prompt,
    completion,
    cache_read: cacheRead,
    cache_creation: cacheCreation,
    total: prompt + completion + cacheRead + cacheCreation,
  };
}

export function addTokens(into: TokenCounts, add: TokenCounts): TokenCounts {
  for (const type of TOKEN_TYPES) into[type] += add[type];
  return into;
}

/** Share of all input tokens that were read from the cache (0 when there was no input). */
export function cacheHitRatio(t: TokenCounts): number {
  const input = t.prompt + t.cache_read + t.cache_creation;
  return input === 0 ? 0 : t.cache_read / input;
}
