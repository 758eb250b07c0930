// The ledger's record formats (version 1). A ledger line is one JSON object: a `run` record per
// Claude Code run, or an `export` record saying a run's metrics reached the collector.
// zod/mini, not classic zod: a wrapped run loads these (scripts/bundle.mjs keeps classic zod out of
// bundle/heavy.cjs).
import * as z from 'zod/mini';

export const LEDGER_VERSION = 1;

const count = z.number().check(z.int(), z.nonnegative());
const amount = z.number().check(z.nonnegative());
const nonEmpty = z.string().check(z.minLength(1));
const isoTime = z.iso.datetime({ offset: true });

export const modelUsageRecordSchema = z.object({
  prompt: count,
  completion: count,
  cache_read: count,
  cache_creation: count,
  total: count,
  cache_creation_5m: count,
  cache_creation_1h: count,
  web_search_requests: z._default(count, 0),
  cost_usd: z.nullable(amount),
  cost_source: z.enum(['claude', 'price_table', 'unknown']),
});

export const turnRecordSchema = z.object({
  message_id: z.string(),
  model: z.string(),
  start_ms: z.number(),
  end_ms: z.number(),
  input: count,
  output: count,
  cache_read: count,
  cache_creation: count,
  tool_uses: count,
  subagent: z.boolean(),
  /** 1-hour cache writes among cache_creation (absent in records written before it was kept). */
  cache_creation_1h: z.optional(count),
  /**
   * Set on the one turn per model that stands for the usage Claude Code reported in modelUsage but
   * no transcript message shows (side calls), so a run's turns add up to its totals.
   */
  side_calls: z.optional(z.boolean()),
});

export const toolSpanSchema = z.object({
  id: z.string(),
  name: z.string(),
  turn_id: z.string(),
  start_ms: z.number(),
  end_ms: z.nullable(z.number()),
  is_error: z.boolean(),
});

export const toolStatSchema = z.object({
  count: count,
  errors: count,
  duration_ms: amount,
});

/**
 * One subagent type's share of a run (or `main`, the main thread with the side calls that only
 * Claude Code's modelUsage shows): tokens and cost per model. The shares add up to the run's totals.
 */
export const subagentUsageSchema = z.object({
  /** Subagent invocations that started in this record (0 for the main thread). */
  invocations: count,
  models: z.record(z.string(), modelUsageRecordSchema),
  cost_usd: amount,
});

/** One subagent invocation: its type, the `Agent` tool call that started it, its usage. */
export const subagentCallSchema = z.object({
  agent_id: z.string(),
  type: z.string(),
  tool_use_id: z.nullable(z.string()),
  start_ms: z.number(),
  end_ms: z.number(),
  models: z.array(z.string()),
  tokens: z.object({
    prompt: count,
    completion: count,
    cache_read: count,
    cache_creation: count,
    total: count,
  }),
  cost_usd: amount,
});

export const gitContextSchema = z.object({
  repo: z.nullable(z.string()),
  branch: z.nullable(z.string()),
  commit: z.nullable(z.string()),
});

export const ciContextSchema = z.object({
  provider: z.literal('github'),
  run_id: z.string(),
  run_attempt: z.nullable(z.string()),
  repository: z.nullable(z.string()),
  workflow: z.nullable(z.string()),
  job: z.nullable(z.string()),
  sha: z.nullable(z.string()),
});

/**
 * Team mode's labels (config/identity.ts): who spent it. Absent when team mode is off and in
 * records written before it existed. Kept before `turns` so the fast reader's front parse sees it.
 */
export const identitySchema = z.object({
  team: nonEmpty,
  user: z.optional(nonEmpty),
  project: z.optional(nonEmpty),
});

export const runRecordSchema = z.object({
  v: z.literal(LEDGER_VERSION),
  kind: z.literal('run'),
  run_id: nonEmpty,
  /** One invocation of claude-otel (a swarm of agents, a `run`, an import batch). */
  invocation_id: nonEmpty,
  session_id: z.nullable(z.string()),
  operation: nonEmpty,
  agent: nonEmpty,
  started_at: isoTime,
  ended_at: isoTime,
  duration_ms: amount,
  duration_api_ms: z.nullable(amount),
  cwd: z.string(),
  git: z.nullable(gitContextSchema),
  ci: z.nullable(ciContextSchema),
  identity: z.optional(identitySchema),
  claude_version: z.nullable(z.string()),
  status: z.enum(['success', 'error']),
  subtype: z.nullable(z.string()),
  is_error: z.boolean(),
  /** completed | timeout | interrupted | budget | spawn_error | imported */
  termination: z.string(),
  exit_code: z.nullable(z.number().check(z.int())),
  signal: z.nullable(z.string()),
  api_error_status: z.nullable(z.union([z.number(), z.string()])),
  num_turns: count,
  models: z.record(z.string(), modelUsageRecordSchema),
  cost_usd: amount,
  cost_source: z.enum(['claude', 'price_table', 'unknown']),
  usage_source: z.enum(['result', 'stream', 'transcript']),
  unknown_models: z.array(z.string()),
  tool_calls: z.record(z.string(), toolStatSchema),
  /**
   * Usage by subagent type (`main` for the main thread), on records with subagent usage only.
   * Before `turns` so that the report's fast reader, which stops at the turns, keeps it.
   */
  subagents: z.optional(z.record(z.string(), subagentUsageSchema)),
  turns: z.array(turnRecordSchema),
  tool_spans: z.array(toolSpanSchema),
  malformed_lines: count,
  /** Message ids this record accounts for (used to deduplicate imported transcripts). */
  message_ids: z._default(z.array(z.string()), []),
  /** W3C trace context of the run's span, for joining Claude Code's own telemetry. */
  trace_id: z.nullable(z.string()),
  span_id: z.nullable(z.string()),
  prompt: z.optional(z.string()),
  result_text: z.optional(z.string()),
  imported: z.optional(z.object({ source: z.string(), file: z.string() })),
  /**
   * Where the per-turn figures come from: `transcript` (each message's final usage, read from
   * Claude Code's transcripts after the run) or `stream` (the streamed start values: output
   * undercounts; used when no transcript was found). Absent in records written before it existed.
   */
  turns_source: z.optional(z.enum(['transcript', 'stream'])),
  /** The subagent invocations behind `subagents` (their spans hang under the Agent tool call's). */
  subagent_calls: z.optional(z.array(subagentCallSchema)),
});
export type RunRecord = z.infer<typeof runRecordSchema>;
export type RunRecordInput = z.input<typeof runRecordSchema>;
export type ModelUsageRecord = z.infer<typeof modelUsageRecordSchema>;
export type SubagentUsageRecord = z.infer<typeof subagentUsageSchema>;
export type SubagentCallRecord = z.infer<typeof subagentCallSchema>;

export const exportRecordSchema = z.object({
  v: z.literal(LEDGER_VERSION),
  kind: z.literal('export'),
  run_id: nonEmpty,
  state: z.literal('sent'),
  at: isoTime,
  endpoint: z.string(),
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

export const ledgerLineSchema = z.discriminatedUnion('kind', [runRecordSchema, exportRecordSchema]);
