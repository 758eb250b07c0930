// Turns transcript messages into ledger run records: one record per session and UTC hour (so days
// in any whole-hour time zone come out right), priced with the price table, marked as imported.
// Messages the ledger already accounts for (an earlier import, or a run the wrapper recorded) are
// left out. A busy hour is split into several records so that no ledger line passes
// MAX_RECORD_LINE_BYTES (every later reader of the ledger stays fast); totals are unchanged.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import type { TranscriptMessage } from '../transcript/fold.js';
import type { SubagentMeta } from '../transcript/subagent-meta.js';
import { subagentBreakdown } from '../transcript/subagent-usage.js';
import { usageFromMessages } from '../transcript/usage.js';
import type { IdSet } from './id-set.js';

export const IMPORT_SOURCE = 'claude-code-transcript';
export const IMPORT_OPERATION = 'import';
export const IMPORT_AGENT = 'main';
/**
 * Slack around a wrapper run's start and end when matching transcript messages to it by time.
 * None is needed: the wrapper stamps its start before spawning Claude Code and its end after Claude
 * Code exited, on the same clock Claude Code stamps transcript lines with; and a session resumed
 * right after the run must have its new messages imported.
 */
export const WRAPPER_RUN_SLACK_MS = 0;
/** The most messages one imported record holds. */
export const MAX_RECORD_MESSAGES = 2000;
/** The longest ledger line import writes, in bytes (a record with more detail is split). */
export const MAX_RECORD_LINE_BYTES = 1 << 20;

export interface KnownUsage {
  /** Message ids already in the ledger. */
  messageIds: IdSet;
  /** Wrapper runs by session: their time spans. */
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
  /** Default IMPORT_OPERATION. */
  operation?: string;
  ci?: RunRecordInput['ci'];
  /** Team mode: a session's identity by its working directory (run/context.ts identityResolver). */
  identity?: (cwd: string) => RunRecordInput['identity'] | null;
  /** The .meta.json of the subagent transcripts among the messages, by agent id. */
  subagents?: ReadonlyMap<string, SubagentMeta>;
}

function identityOf(o: ToRecordsOptions, cwd: string): Pick<RunRecordInput, 'identity'> {
  const identity = o.identity?.(cwd);
  return identity ? { identity } : {};
}

/** The key of each subagent's first message: its invocation is counted in the record holding it. */
function firstKeys(messages: TranscriptMessage[]): Set<string> {
  const first = new Map<string, TranscriptMessage>();
  for (const m of messages) {
    if (m.agentId === null) continue;
    const seen = first.get(m.agentId);
    if (!seen || m.at < seen.at) first.set(m.agentId, m);
  }
  return new Set([...first.values()].map((m) => m.key));
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
  const starts = firstKeys(messages);
  for (const group of groups.values()) {
    group.sort((a, b) => a.at - b.at);
    for (let i = 0; i < group.length; i += MAX_RECORD_MESSAGES)
      records.push(...boundedRecords(group.slice(i, i + MAX_RECORD_MESSAGES), options, starts));
  }
  return { records, known: knownCount };
}

/** One record for the messages, or several when its ledger line would pass the cap. */
function boundedRecords(
  group: TranscriptMessage[],
  o: ToRecordsOptions,
  starts: Set<string>,
): RunRecordInput[] {
  const record = toRecord(group, o, starts);
  if (group.length === 1 || Buffer.byteLength(JSON.stringify(record)) <= MAX_RECORD_LINE_BYTES)
    return [record];
  const half = Math.ceil(group.length / 2);
  return [
    ...boundedRecords(group.slice(0, half), o, starts),
    ...boundedRecords(group.slice(half), o, starts),
  ];
}

function toRecord(group: TranscriptMessage[], o: ToRecordsOptions, starts: Set<string>): RunRecordInput {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const usage = usageFromMessages(group, o.table, o.toolErrors);
  const split = subagentBreakdown({
    messages: group,
    owners: o.subagents ?? new Map(),
    totals: usage,
    table: o.table,
    started: new Set(group.filter((m) => m.agentId !== null && starts.has(m.key)).map((m) => m.agentId!)),
  });
  const keys = group.map((m) => m.key).sort();
  const runId = `import-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 24)}`;
  return {
    v: 1,
    kind: 'run',
    run_id: runId,
    invocation_id: o.invocationId,
    session_id: first.sessionId,
    operation: o.operation ?? IMPORT_OPERATION,
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
    ci: o.ci ?? null,
    ...identityOf(o, first.cwd ?? path.dirname(o.file)),
    claude_version: last.version,
    status: 'success',
    subtype: null,
    is_error: false,
    termination: 'imported',
    exit_code: null,
    signal: null,
    api_error_status: null,
    num_turns: group.length,
    ...usage,
    ...(split ? { subagents: split.subagents } : {}),
    usage_source: 'transcript',
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
    ...(split ? { subagent_calls: split.subagent_calls } : {}),
  };
}
