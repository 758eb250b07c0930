// Turns transcript messages into ledger run records: one record per session and UTC hour (so days
// in any whole-hour time zone come out right), priced with the price table, marked as imported.
// Messages the ledger already accounts for (an earlier import, or a run the wrapper recorded) are left out.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest } from '../pricing/price-usage.js';
import type { TranscriptMessage } from './transcript.js';

export const IMPORT_SOURCE = 'claude-code-transcript';
export const IMPORT_OPERATION = 'import';
export const IMPORT_AGENT = 'main';
/** Slack around a wrapper run's start and end when matching transcript messages to it by time. */
export const WRAPPER_RUN_SLACK_MS = 5_000;

export interface KnownUsage {
  /** Message ids already in the ledger. */
  messageIds: Set<string>;
  /** Wrapper runs without message ids, by session: their time spans. */
  sessionSpans: Map<string, { from: number; to: number }[]>;
}

export function isKnown(m: TranscriptMessage, known: KnownUsage): boolean {
  if (known.messageIds.has(m.messageId)) return true;
  const spans = known.sessionSpans.get(m.sessionId);
  return (
    spans?.some((s) => m.at >= s.from - WRAPPER_RUN_SLACK_MS && m.at <= s.to + WRAPPER_RUN_SLACK_MS) ?? false
  );
}

export interface ToRecordsOptions {
  table: PriceTable;
  file: string;
  invocationId: string;
  known: KnownUsage;
  toolErrors: Set<string>;
}

export function recordsFromMessages(
  messages: TranscriptMessage[],
  options: ToRecordsOptions,
): { records: RunRecordInput[]; known: number } {
  const groups = new Map<string, TranscriptMessage[]>();
  let knownCount = 0;
  for (const m of messages) {
    if (isKnown(m, options.known)) {
      knownCount++;
      continue;
    }
    const key = `${m.sessionId} ${new Date(m.at).toISOString().slice(0, 13)}`;
    const list = groups.get(key);
    if (list) list.push(m);
    else groups.set(key, [m]);
  }
  const records: RunRecordInput[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.at - b.at);
    records.push(toRecord(group, options));
  }
  return { records, known: knownCount };
}

function toRecord(group: TranscriptMessage[], o: ToRecordsOptions): RunRecordInput {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const models: RunRecordInput['models'] = {};
  const unknown = new Set<string>();
  const toolCalls: RunRecordInput['tool_calls'] = {};
  let cost = 0;
  for (const m of group) {
    models[m.model] ??= {
      prompt: 0,
      completion: 0,
      cache_read: 0,
      cache_creation: 0,
      total: 0,
      cache_creation_5m: 0,
      cache_creation_1h: 0,
      web_search_requests: 0,
      cost_usd: 0,
      cost_source: 'price_table',
    };
    const u = models[m.model]!;
    u.prompt += m.input;
    u.completion += m.output;
    u.cache_read += m.cache_read;
    u.cache_creation += m.cache_creation;
    u.total += m.input + m.output + m.cache_read + m.cache_creation;
    const oneHour = Math.min(m.cache_creation_1h, m.cache_creation);
    u.cache_creation_1h += oneHour;
    u.cache_creation_5m += m.cache_creation - oneHour;
    u.web_search_requests = (u.web_search_requests ?? 0) + m.web_search_requests;
    const price = o.table.lookup(m.model);
    if (!price) {
      unknown.add(m.model);
      u.cost_usd = null;
      u.cost_source = 'unknown';
    } else if (u.cost_usd !== null) {
      // Priced per request, like Claude Code does: long-prompt rates apply request by request.
      const c = priceRequest(price.rates, {
        input: m.input,
        output: m.output,
        cache_read: m.cache_read,
        cache_creation: m.cache_creation,
        cache_creation_1h: oneHour,
        web_search_requests: m.web_search_requests,
        inference_geo: m.inference_geo,
      });
      u.cost_usd += c;
      cost += c;
    }
    for (const tool of m.tools) {
      const [name = 'unknown', id = ''] = tool.split('\u0000');
      toolCalls[name] ??= { count: 0, errors: 0, duration_ms: 0 };
      const stat = toolCalls[name];
      stat.count++;
      if (o.toolErrors.has(id)) stat.errors++;
    }
  }
  const keys = group.map((m) => m.key).sort();
  const runId = `import-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 24)}`;
  return {
    v: 1,
    kind: 'run',
    run_id: runId,
    invocation_id: o.invocationId,
    session_id: first.sessionId,
    operation: IMPORT_OPERATION,
    agent: IMPORT_AGENT,
    started_at: new Date(first.at).toISOString(),
    ended_at: new Date(last.at).toISOString(),
    duration_ms: last.at - first.at,
    duration_api_ms: null,
    cwd: first.cwd ?? path.dirname(o.file),
    git:
      first.gitBranch && first.gitBranch !== 'HEAD'
        ? { repo: null, branch: first.gitBranch, commit: null }
        : null,
    ci: null,
    claude_version: last.version,
    status: 'success',
    subtype: null,
    is_error: false,
    termination: 'imported',
    exit_code: null,
    signal: null,
    api_error_status: null,
    num_turns: group.length,
    models,
    cost_usd: cost,
    cost_source: unknown.size > 0 ? 'unknown' : 'price_table',
    usage_source: 'transcript',
    unknown_models: [...unknown].sort(),
    tool_calls: toolCalls,
    turns: group.map((m) => ({
      message_id: m.messageId,
      model: m.model,
      start_ms: m.at,
      end_ms: m.at,
      input: m.input,
      output: m.output,
      cache_read: m.cache_read,
      cache_creation: m.cache_creation,
      tool_uses: m.tools.length,
      subagent: m.sidechain,
    })),
    tool_spans: [],
    malformed_lines: 0,
    message_ids: group.map((m) => m.messageId),
    trace_id: null,
    span_id: null,
    imported: { source: IMPORT_SOURCE, file: o.file },
  };
}
