// The price table's shape: the zod schema a price file is checked with, and its types. It imports
// nothing of the project, so the built-in data and the loader can both name its types.
// zod/mini, not classic zod: every wrapped run loads this (see scripts/bundle.mjs).
import * as z from 'zod/mini';

// Classic zod's .finite() adds no check (a zod number is never Infinity or NaN): none here either.
const perMillion = z.number().check(z.nonnegative());
const nonEmpty = z.string().check(z.minLength(1));

const ratesSchema = z.object({
  input: perMillion,
  output: perMillion,
  cache_write_5m: perMillion,
  cache_write_1h: perMillion,
  cache_read: perMillion,
});

export const tierSchema = z.extend(ratesSchema, {
  web_search: z._default(perMillion, 0.01),
  /** Requests whose prompt (input + cache read + cache write) exceeds the threshold use these rates. */
  long_prompt: z.optional(
    z.extend(ratesSchema, { above_prompt_tokens: z.number().check(z.int(), z.positive()) }),
  ),
});

export const priceTableSchema = z.object({
  source: nonEmpty,
  date: nonEmpty,
  tiers: z.record(z.string(), tierSchema),
  models: z.array(
    z.object({
      id: nonEmpty,
      name: z.optional(z.string()),
      tier: nonEmpty,
      aliases: z._default(z.array(z.string()), []),
    }),
  ),
});

export type PriceTableInput = z.input<typeof priceTableSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type Rates = z.infer<typeof ratesSchema>;

export interface ModelPrice {
  id: string;
  tier: string;
  rates: Tier;
}

export interface PriceTable {
  source: string;
  date: string;
  /** Resolves a model id as Claude Code reports it to its prices; undefined when unknown. */
  lookup(model: string): ModelPrice | undefined;
  models(): ModelPrice[];
}
