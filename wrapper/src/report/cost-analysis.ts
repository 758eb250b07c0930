// What caching did to the bill and where the money went: savings versus the same tokens uncached,
// cost per turn and per run, the most expensive sessions and tools, and cache health per session.

import type { ReportRun } from '../ledger/report-run.js';
import type { PriceTable, Tier } from '../pricing/price-table.js';
import { priceRequest, priceUncached } from '../pricing/price-usage.js';
import { addTokens, type TokenCounts, zeroTokens } from '../usage/tokens.js';
import { type CacheHealth, judgeSession } from './cache-health.js';

export const TOP_N = 10;
export const NO_TOOLS = '(no tool calls)';

export interface SessionCost {
  session: string;
  runs: number;
  turns: number;
  tokens: TokenCounts;
  cost_usd: number;
  first_at: string;
  last_at: string;
}

export interface ToolCost {
  tool: string;
  calls: number;
  errors: number;
  duration_ms: number;
  /** Each run's cost split evenly over its tool calls (an attribution, not a bill). */
  cost_usd: number;
}

export interface CostAnalysis {
  /** Cost of the tokens at list prices as cached (priced with the table, models it knows). */
  priced_cost_usd: number;
  /** What the same tokens would have cost with no caching at all. */
  uncached_cost_usd: number;
  /** uncached - priced: what caching saved (negative when cache writes were never paid back). */
  cache_savings_usd: number;
  /** Saved by reading from the cache instead of paying full input price. */
  cache_read_savings_usd: number;
  /** Paid on top of input price to write the cache. */
  cache_write_premium_usd: number;
  unpriced_models: string[];
  cost_per_turn_usd: number;
  cost_per_run_usd: number;
  top_sessions: SessionCost[];
  top_tools: ToolCost[];
  cache_health: { healthy: number; warning: number; too_small: number; sessions: CacheHealth[] };
}

/** Estimates are per model over each run's sums, so long-prompt rates (chosen per request) are left out. */
function flatTier(tier: Tier): Tier {
  const { long_prompt: _ignored, ...rest } = tier;
  return rest;
}

export function analyzeCosts(runs: ReportRun[], table: PriceTable): CostAnalysis {
  let priced = 0;
  let uncached = 0;
  let readSavings = 0;
  let writePremium = 0;
  let cost = 0;
  let turns = 0;
  const unpriced = new Set<string>();
  const tiers = new Map<string, Tier | undefined>();
  const sessions = new Map<string, SessionCost>();
  const sessionRuns = new Map<string, ReportRun[]>();
  const tools = new Map<string, ToolCost>();
  for (const run of runs) {
    cost += run.cost_usd;
    turns += run.num_turns;
    for (const [model, u] of Object.entries(run.models)) {
      if (!tiers.has(model)) {
        const price = table.lookup(model);
        tiers.set(model, price ? flatTier(price.rates) : undefined);
      }
      const tier = tiers.get(model);
      if (!tier) {
        if (u.total > 0) unpriced.add(model);
        continue;
      }
      const usage = {
        input: u.prompt,
        output: u.completion,
        cache_read: u.cache_read,
        cache_creation: u.cache_creation,
        cache_creation_1h: u.cache_creation_1h,
      };
      priced += priceRequest(tier, usage);
      uncached += priceUncached(tier, usage);
      readSavings += (u.cache_read / 1e6) * (tier.input - tier.cache_read);
      writePremium +=
        (u.cache_creation_1h / 1e6) * (tier.cache_write_1h - tier.input) +
        ((u.cache_creation - u.cache_creation_1h) / 1e6) * (tier.cache_write_5m - tier.input);
    }
    const key = run.session_id ?? run.run_id;
    let s = sessions.get(key);
    if (!s) {
      s = {
        session: key,
        runs: 0,
        turns: 0,
        tokens: zeroTokens(),
        cost_usd: 0,
        first_at: run.started_at,
        last_at: run.started_at,
      };
      sessions.set(key, s);
      sessionRuns.set(key, []);
    }
    s.runs++;
    s.turns += run.num_turns;
    s.cost_usd += run.cost_usd;
    for (const u of Object.values(run.models)) addTokens(s.tokens, u);
    if (run.started_at < s.first_at) s.first_at = run.started_at;
    if (run.started_at > s.last_at) s.last_at = run.started_at;
    sessionRuns.get(key)!.push(run);
    addToolShares(tools, run);
  }
  const byCost = (a: { cost_usd: number }, b: { cost_usd: number }) => b.cost_usd - a.cost_usd;
  const topSessions = [...sessions.values()].sort(
    (a, b) => byCost(a, b) || a.session.localeCompare(b.session),
  );
  const health = topSessions.map((s) => judgeSession(s.session, sessionRuns.get(s.session) ?? []));
  return {
    priced_cost_usd: priced,
    uncached_cost_usd: uncached,
    cache_savings_usd: uncached - priced,
    cache_read_savings_usd: readSavings,
    cache_write_premium_usd: writePremium,
    unpriced_models: [...unpriced].sort(),
    cost_per_turn_usd: turns === 0 ? 0 : cost / turns,
    cost_per_run_usd: runs.length === 0 ? 0 : cost / runs.length,
    top_sessions: topSessions.slice(0, TOP_N),
    top_tools: [...tools.values()]
      .sort((a, b) => byCost(a, b) || a.tool.localeCompare(b.tool))
      .slice(0, TOP_N),
    cache_health: {
      healthy: health.filter((h) => h.verdict === 'healthy').length,
      warning: health.filter((h) => h.verdict === 'warning').length,
      too_small: health.filter((h) => h.verdict === 'too_small').length,
      // The most expensive sessions first: that is where a caching problem costs the most.
      sessions: health.slice(0, TOP_N),
    },
  };
}

function addToolShares(tools: Map<string, ToolCost>, run: ReportRun): void {
  const stats = Object.entries(run.tool_calls);
  let calls = 0;
  for (const [, s] of stats) calls += s.count;
  const entry = (name: string) => {
    let t = tools.get(name);
    if (!t) {
      t = { tool: name, calls: 0, errors: 0, duration_ms: 0, cost_usd: 0 };
      tools.set(name, t);
    }
    return t;
  };
  if (calls === 0) {
    entry(NO_TOOLS).cost_usd += run.cost_usd;
    return;
  }
  for (const [name, s] of stats) {
    const t = entry(name);
    t.calls += s.count;
    t.errors += s.errors;
    t.duration_ms += s.duration_ms;
    t.cost_usd += (run.cost_usd * s.count) / calls;
  }
}
