// Usage by subagent: splits a run's (or an imported record's) totals between its subagent
// invocations, grouped by type, and `main`, the main thread. Subagents get what their messages
// show; `main` gets the rest of the totals, so it also holds the side calls that appear only in
// Claude Code's modelUsage, and the shares add up to the totals exactly. Each model's cost (as the
// metric contract splits the run's cost over models) is shared by list price of each share's tokens.

import type {
  ModelUsageRecord,
  RunRecordInput,
  SubagentCallRecord,
  SubagentUsageRecord,
} from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest } from '../pricing/price-usage.js';
import { costByModel } from '../usage/cost-split.js';
import { emptyModelUsage } from '../usage/run-usage.js';
import { addTokens, type ModelUsage, tokenCounts, zeroTokens } from '../usage/tokens.js';
import type { TranscriptMessage } from './fold.js';

/** The key of the main thread's share. */
export const MAIN_THREAD = 'main';
/** The type of a subagent whose .meta.json (or Agent tool call) could not be read. */
export const UNKNOWN_SUBAGENT = 'unknown';
/** At most this many invocations are kept per record (all are counted in `subagents`). */
export const MAX_SUBAGENT_CALLS = 1000;

/** What the split reads of a message: a transcript message is one. */
export type SubagentMessage = Pick<
  TranscriptMessage,
  'agentId' | 'model' | 'at' | 'input' | 'output' | 'cache_read' | 'cache_creation' | 'cache_creation_1h'
> &
  Partial<Pick<TranscriptMessage, 'web_search_requests'>>;

export interface SubagentOwner {
  type: string;
  toolUseId: string | null;
}

export interface BreakdownInput {
  messages: Iterable<SubagentMessage>;
  /** Type and starting Agent tool call per agent id (from .meta.json or the stream). */
  owners: ReadonlyMap<string, SubagentOwner>;
  /** The totals to split (a run's modelUsage and cost). */
  totals: Pick<RunRecordInput, 'models' | 'cost_usd'>;
  table: PriceTable;
  /** Agent ids whose invocation is counted in this record (default: every one with a message). */
  started?: ReadonlySet<string>;
}

export interface SubagentBreakdown {
  subagents: Record<string, SubagentUsageRecord>;
  subagent_calls: SubagentCallRecord[];
}

interface Share {
  models: Map<string, ModelUsage>;
  first: number;
  last: number;
}

/** The split, or undefined when no message is a subagent's (the record then has no field). */
export function subagentBreakdown(input: BreakdownInput): SubagentBreakdown | undefined {
  const agents = new Map<string, Share>();
  for (const m of input.messages) {
    if (m.agentId === null) continue;
    let share = agents.get(m.agentId);
    if (!share) {
      share = { models: new Map(), first: m.at, last: m.at };
      agents.set(m.agentId, share);
    }
    share.first = Math.min(share.first, m.at);
    share.last = Math.max(share.last, m.at);
    const u = share.models.get(m.model) ?? emptyModelUsage();
    share.models.set(m.model, u);
    addTokens(u, tokenCounts(m.input, m.output, m.cache_read, m.cache_creation));
    const oneHour = Math.min(m.cache_creation_1h, m.cache_creation);
    u.cache_creation_1h += oneHour;
    u.cache_creation_5m += m.cache_creation - oneHour;
    u.web_search_requests += m.web_search_requests ?? 0;
  }
  if (agents.size === 0) return undefined;

  const main = mainShare(input.totals.models, agents);
  const modelCost = costByModel({
    models: input.totals.models as Record<string, ModelUsageRecord>,
    cost_usd: input.totals.cost_usd,
  });
  // Each model's cost goes to the shares by the list price of their tokens (by tokens when the
  // table does not know the model): exactly Claude Code's figure when the table agrees with it.
  const costs = new Map<Share, Map<string, number>>([[main, new Map()]]);
  for (const share of agents.values()) costs.set(share, new Map());
  const models = new Set([
    ...Object.keys(input.totals.models),
    ...[...agents.values()].flatMap((s) => [...s.models.keys()]),
  ]);
  for (const model of models) {
    const usd = modelCost[model] ?? 0;
    const rates = input.table.lookup(model)?.rates;
    const weight = (u: ModelUsage | undefined) => {
      if (!u) return 0;
      if (!rates) return u.total;
      return priceRequest(rates, {
        input: u.prompt,
        output: u.completion,
        cache_read: u.cache_read,
        cache_creation: u.cache_creation,
        cache_creation_1h: u.cache_creation_1h,
        web_search_requests: u.web_search_requests,
      });
    };
    const weights = [...costs.keys()].map((s) => [s, weight(s.models.get(model))] as const);
    const sum = weights.reduce((n, [, w]) => n + w, 0);
    for (const [share, w] of weights) {
      const c = sum === 0 ? (share === main ? usd : 0) : usd * (w / sum);
      if (c > 0) costs.get(share)!.set(model, c);
    }
  }

  const sourceOf = (model: string): ModelUsageRecord['cost_source'] =>
    input.totals.models[model]?.cost_source ?? 'price_table';
  const subagents: Record<string, SubagentUsageRecord> = {};
  const add = (type: string, share: Share, invocation: boolean) => {
    const own = costs.get(share)!;
    subagents[type] ??= { invocations: 0, models: {}, cost_usd: 0 };
    const entry = subagents[type];
    if (invocation) entry.invocations++;
    for (const [model, u] of share.models) {
      entry.models[model] ??= { ...emptyModelUsage(), cost_usd: 0, cost_source: sourceOf(model) };
      const into = entry.models[model];
      addTokens(into, u);
      into.cache_creation_5m += u.cache_creation_5m;
      into.cache_creation_1h += u.cache_creation_1h;
      into.web_search_requests += u.web_search_requests;
      into.cost_usd = (into.cost_usd ?? 0) + (own.get(model) ?? 0);
    }
    for (const usd of own.values()) entry.cost_usd += usd;
  };
  if (main.models.size > 0 || costs.get(main)!.size > 0) add(MAIN_THREAD, main, false);

  const calls: SubagentCallRecord[] = [];
  for (const [agentId, share] of agents) {
    const owner = input.owners.get(agentId);
    const type = owner?.type ?? UNKNOWN_SUBAGENT;
    add(type, share, input.started?.has(agentId) ?? true);
    if (calls.length >= MAX_SUBAGENT_CALLS) continue;
    const tokens = zeroTokens();
    for (const u of share.models.values()) addTokens(tokens, u);
    let usd = 0;
    for (const c of costs.get(share)!.values()) usd += c;
    calls.push({
      agent_id: agentId,
      type,
      tool_use_id: owner?.toolUseId ?? null,
      start_ms: share.first,
      end_ms: share.last,
      models: [...share.models.keys()].sort(),
      tokens,
      cost_usd: usd,
    });
  }
  calls.sort((a, b) => a.start_ms - b.start_ms);
  return { subagents, subagent_calls: calls };
}

/**
 * The main thread's share: the totals less what the subagents' messages show, per model and
 * token type (never below zero: a subagent figure above the totals is left as it is).
 */
function mainShare(totals: BreakdownInput['totals']['models'], agents: Map<string, Share>): Share {
  const models = new Map<string, ModelUsage>();
  for (const [model, t] of Object.entries(totals)) {
    const rest = (field: keyof Omit<ModelUsage, 'cost_usd' | 'cost_source'>) => {
      let sub = 0;
      for (const share of agents.values()) sub += share.models.get(model)?.[field] ?? 0;
      return Math.max(0, (t[field] ?? 0) - sub);
    };
    const u: ModelUsage = {
      ...tokenCounts(rest('prompt'), rest('completion'), rest('cache_read'), rest('cache_creation')),
      cache_creation_5m: rest('cache_creation_5m'),
      cache_creation_1h: rest('cache_creation_1h'),
      web_search_requests: rest('web_search_requests'),
      cost_usd: null,
      cost_source: 'unknown',
    };
    if (u.total > 0 || u.web_search_requests > 0) models.set(model, u);
  }
  return { models, first: 0, last: 0 };
}
