// Usage of an interactive Claude Code session, read from the transcript Claude Code keeps of it
// (no result line is printed interactively). Priced per request with the price table; the
// message ids go on the record so a later `claude-otel import` does not count them again.
import fs from 'node:fs';
import path from 'node:path';
import { claudeConfigDir } from '../config/paths.js';
import { parseTranscript } from '../import/transcript.js';
import type { RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest } from '../pricing/price-usage.js';
import { emptyModelUsage } from '../usage/run-usage.js';
import { addTokens, tokenCounts } from '../usage/tokens.js';

export { claudeConfigDir };

/** `<config>/projects/<project>/<session>.jsonl`, whichever project directory holds it. */
export function findSessionTranscript(env: NodeJS.ProcessEnv, sessionId: string): string | undefined {
  const projects = path.join(claudeConfigDir(env), 'projects');
  let dirs: string[];
  try {
    dirs = fs.readdirSync(projects);
  } catch {
    return undefined;
  }
  for (const dir of dirs) {
    const file = path.join(projects, dir, `${sessionId}.jsonl`);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

export type SessionUsage = Pick<
  RunRecordInput,
  'models' | 'cost_usd' | 'cost_source' | 'unknown_models' | 'message_ids' | 'num_turns' | 'tool_calls'
>;

export function sessionUsageFromTranscript(text: string, sessionId: string, table: PriceTable): SessionUsage {
  const { messages, toolErrors } = parseTranscript(text);
  const models: RunRecordInput['models'] = {};
  const toolCalls: RunRecordInput['tool_calls'] = {};
  const unknown = new Set<string>();
  const ids: string[] = [];
  let cost = 0;
  for (const m of messages) {
    if (m.sessionId !== sessionId) continue;
    ids.push(m.messageId);
    models[m.model] ??= emptyModelUsage();
    const usage = models[m.model]!;
    addTokens(usage, tokenCounts(m.input, m.output, m.cache_read, m.cache_creation));
    usage.cache_creation_1h += m.cache_creation_1h;
    usage.cache_creation_5m = usage.cache_creation - usage.cache_creation_1h;
    usage.web_search_requests = (usage.web_search_requests ?? 0) + m.web_search_requests;
    const price = table.lookup(m.model);
    if (price) {
      const c = priceRequest(price.rates, {
        input: m.input,
        output: m.output,
        cache_read: m.cache_read,
        cache_creation: m.cache_creation,
        cache_creation_1h: m.cache_creation_1h,
        web_search_requests: m.web_search_requests,
        inference_geo: m.inference_geo,
      });
      usage.cost_usd = (usage.cost_usd ?? 0) + c;
      usage.cost_source = 'price_table';
      cost += c;
    } else {
      unknown.add(m.model);
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
    message_ids: ids,
    num_turns: ids.length,
    tool_calls: toolCalls,
  };
}
