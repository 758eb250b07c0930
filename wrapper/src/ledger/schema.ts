// The ledger's record formats (version 1). A ledger line is one JSON object: a `run` record per
// Claude Code run, or an `export` record saying a run's metrics reached the collector.
import * as z from 'zod';

export const LEDGER_VERSION = 1;

const count = z.number().int().nonnegative();
const isoTime = z.string().datetime({ offset: true });

export const modelUsageRecordSchema = z.object({
  prompt: count,
  completion: count,
  cache_read: count,
  cache_creation: count,
  total: count,
  cache_creation_5m: count,
  cache_creation_1h: count,
  web_search_requests: count.default(0),
  cost_usd: z.number().nonnegative().nullable(),
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
  cache_creation_1h: count.optional(),
  /**
   * Set on the one turn per model that stands for the usage Claude Code reported in modelUsage but
   * no transcript message shows (side calls), so a run's turns add up to its totals.
   */
  side_calls: z.boolean().optional(),
});

export const toolSpanSchema = z.object({
  id: z.string(),
  name: z.string(),
  turn_id: z.string(),
  start_ms: z.number(),
  end_ms: z.number().nullable(),
  is_error: z.boolean(),
});

export const toolStatSchema = z.object({
  count: count,
  errors: count,
  duration_ms: z.number().nonnegative(),
});

/**
 * One subagent type's share of a run (or `main`, the main thread with the side calls that only
 * Claude Code's modelUsage shows): tokens and cost per model. The shares add up to the run's totals.
 */
export const subagentUsageSchema = z.object({
  /** Subagent invocations that started in this record (0 for the main thread). */
  invocations: count,
  models: z.record(z.string(), modelUsageRecordSchema),
  cost_usd: z.number().nonnegative(),
});

/** One subagent invocation: its type, the `Agent` tool call that started it, its usage. */
export const subagentCallSchema = z.object({
  agent_id: z.string(),
  type: z.string(),
  tool_use_id: z.string().nullable(),
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
  cost_usd: z.number().nonnegative(),
});

export const gitContextSchema = z.object({
  repo: z.string().nullable(),
  branch: z.string().nullable(),
  commit: z.string().nullable(),
});

export const ciContextSchema = z.object({
  provider: z.literal('github'),
  run_id: z.string(),
  run_attempt: z.string().nullable(),
  repository: z.string().nullable(),
  workflow: z.string().nullable(),
  job: z.string().nullable(),
  sha: z.string().nullable(),
});

/**
 * Team mode's labels (config/identity.ts): who spent it. Absent when team mode is off and in
 * records written before it existed. Kept before `turns` so the fast reader's front parse sees it.
 */
export const identitySchema = z.object({
  team: z.string().min(1),
  user: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
});

export const runRecordSchema = z.object({
  v: z.literal(LEDGER_VERSION),
  kind: z.literal('run'),
  run_id: z.string().min(1),
  /** One invocation of claude-otel (a swarm of agents, a `run`, an import batch). */
  invocation_id: z.string().min(1),
  session_id: z.string().nullable(),
  operation: z.string().min(1),
  agent: z.string().min(1),
  started_at: isoTime,
  ended_at: isoTime,
  duration_ms: z.number().nonnegative(),
  duration_api_ms: z.number().nonnegative().nullable(),
  cwd: z.string(),
  git: gitContextSchema.nullable(),
  ci: ciContextSchema.nullable(),
  identity: identitySchema.optional(),
  claude_version: z.string().nullable(),
  status: z.enum(['success', 'error']),
  subtype: z.string().nullable(),
  is_error: z.boolean(),
  /** completed | timeout | interrupted | budget | spawn_error | imported */
  termination: z.string(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  api_error_status: z.union([z.number(), z.string()]).nullable(),
  num_turns: count,
  models: z.record(z.string(), modelUsageRecordSchema),
  cost_usd: z.number().nonnegative(),
  cost_source: z.enum(['claude', 'price_table', 'unknown']),
  usage_source: z.enum(['result', 'stream', 'transcript']),
  unknown_models: z.array(z.string()),
  tool_calls: z.record(z.string(), toolStatSchema),
  /**
   * Usage by subagent type (`main` for the main thread), on records with subagent usage only.
   * Before `turns` so that the report's fast reader, which stops at the turns, keeps it.
   */
  subagents: z.record(z.string(), subagentUsageSchema).optional(),
  turns: z.array(turnRecordSchema),
  tool_spans: z.array(toolSpanSchema),
  malformed_lines: count,
  /** Message ids this record accounts for (used to deduplicate imported transcripts). */
  message_ids: z.array(z.string()).default([]),
  /** W3C trace context of the run's span, for joining Claude Code's own telemetry. */
  trace_id: z.string().nullable(),
  span_id: z.string().nullable(),
  prompt: z.string().optional(),
  result_text: z.string().optional(),
  imported: z.object({ source: z.string(), file: z.string() }).optional(),
  /**
   * Where the per-turn figures come from: `transcript` (each message's final usage, read from
   * Claude Code's transcripts after the run) or `stream` (the streamed start values: output
   * undercounts; used when no transcript was found). Absent in records written before it existed.
   */
  turns_source: z.enum(['transcript', 'stream']).optional(),
  /** The subagent invocations behind `subagents` (their spans hang under the Agent tool call's). */
  subagent_calls: z.array(subagentCallSchema).optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;
export type RunRecordInput = z.input<typeof runRecordSchema>;
export type ModelUsageRecord = z.infer<typeof modelUsageRecordSchema>;
export type SubagentUsageRecord = z.infer<typeof subagentUsageSchema>;
export type SubagentCallRecord = z.infer<typeof subagentCallSchema>;

export const exportRecordSchema = z.object({
  v: z.literal(LEDGER_VERSION),
  kind: z.literal('export'),
  run_id: z.string().min(1),
  state: z.literal('sent'),
  at: isoTime,
  endpoint: z.string(),
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

export const ledgerLineSchema = z.discriminatedUnion('kind', [runRecordSchema, exportRecordSchema]);
