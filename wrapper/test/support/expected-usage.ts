// What the scripted endpoint actually served, as token totals per model: the independent ground
// truth that claude-otel's ledger and Claude Code's own modelUsage are compared against.

import type { PriceTable } from '../../src/pricing/price-table.js';
import { priceRequest } from '../../src/pricing/price-usage.js';
import { replyFor, turnUsage } from './scripted-api/scenario.js';
import type { RecordedRequest } from './scripted-api/server.js';

export interface Served {
  prompt: number;
  completion: number;
  cache_read: number;
  cache_creation: number;
  total: number;
  cost_usd: number;
  requests: number;
}

/** Sums the usage of every answered request whose scenario carries `tag=<tag>`, per model. */
export function servedUsage(
  requests: RecordedRequest[],
  tag: string,
  table: PriceTable,
): Record<string, Served> {
  const out: Record<string, Served> = {};
  for (const r of requests) {
    if (r.params.tag !== tag || !r.model) continue;
    const scenario = { name: r.scenario ?? 'hello', params: r.params };
    const reply = replyFor(scenario, r.turn);
    if (reply.kind === 'http_error' || reply.kind === 'hang') continue;
    const u = turnUsage(scenario, r.turn);
    out[r.model] ??= {
      prompt: 0,
      completion: 0,
      cache_read: 0,
      cache_creation: 0,
      total: 0,
      cost_usd: 0,
      requests: 0,
    };
    const s = out[r.model]!;
    s.prompt += u.input_tokens;
    s.completion += u.output_tokens;
    s.cache_read += u.cache_read_input_tokens;
    s.cache_creation += u.cache_creation_input_tokens;
    s.total += u.input_tokens + u.output_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
    s.requests++;
    const price = table.lookup(r.model);
    if (!price) throw new Error(`no price for ${r.model}`);
    s.cost_usd += priceRequest(price.rates, {
      input: u.input_tokens,
      output: u.output_tokens,
      cache_read: u.cache_read_input_tokens,
      cache_creation: u.cache_creation_input_tokens,
      cache_creation_1h: u.cache_creation.ephemeral_1h_input_tokens,
    });
  }
  return out;
}
