// The "saved by caching" prices, derived from the wrapper's own price table (one home for prices):
// one entry per distinct set of input, cache-read and 5-minute cache-write rates, with a PromQL
// regex over the `model` label that accepts what that table's lookup accepts (ids and aliases,
// a date suffix, a Bedrock/Vertex prefix or version suffix).
import { normalizeModelId, type PriceTableInput } from '../../wrapper/src/pricing/price-table.js';

/** Prices for the savings panel, US dollars per million tokens. */
export interface CachePrice {
  /** A PromQL regex over the `model` label. Entries must not overlap: each model is priced once. */
  readonly modelRegex: string;
  readonly inputUsdPerMTok: number;
  readonly cacheReadUsdPerMTok: number;
  /** 5-minute cache writes (Claude Code's default). */
  readonly cacheWriteUsdPerMTok: number;
}

/** A model name as a regex without backslashes (they would need escaping again in PromQL). */
function literal(name: string): string {
  if (!/^[a-z0-9_.:@-]+$/.test(name)) throw new TypeError(`price table: unexpected model id '${name}'`);
  return name.replace(/\./g, '[.]');
}

export function cachePricesFrom(table: PriceTableInput): CachePrice[] {
  const groups = new Map<string, { rates: Omit<CachePrice, 'modelRegex'>; names: Set<string> }>();
  for (const model of table.models) {
    const tier = table.tiers[model.tier];
    if (!tier) throw new TypeError(`price table: model '${model.id}' names unknown tier '${model.tier}'`);
    const rates = {
      inputUsdPerMTok: tier.input,
      cacheReadUsdPerMTok: tier.cache_read,
      cacheWriteUsdPerMTok: tier.cache_write_5m,
    };
    const key = JSON.stringify(rates);
    const group = groups.get(key) ?? { rates, names: new Set<string>() };
    groups.set(key, group);
    for (const name of [model.id, ...(model.aliases ?? [])]) {
      group.names.add(normalizeModelId(name).replace(/-\d{8}$/, ''));
    }
  }
  // What normalizeModelId strips, put back as optional parts around the canonical names. A date
  // is spelled out digit by digit: no `{8}`, so selectors stay free of braces inside braces.
  const date = '20[0-9][0-9][01][0-9][0-3][0-9]';
  const prefix = '(?:(?:us|eu|apac|global|jp|au)[.])?(?:anthropic[.])?';
  const suffix = `(?:-${date})?(?:-v[0-9]+(?::[0-9]+)?)?(?:@${date})?`;
  return [...groups.values()].map(({ rates, names }) => ({
    modelRegex: `${prefix}(?:${[...names].sort().map(literal).join('|')})${suffix}`,
    ...rates,
  }));
}
