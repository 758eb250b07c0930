// Schemas for the lines Claude Code prints with `--output-format stream-json --verbose`.
// Only the fields claude-otel reads are declared; everything else passes through untouched.
// zod/mini, not classic zod: these load on every wrapped run, and mini costs a fraction of the CPU
// to load (scripts/bundle.mjs keeps classic zod out of bundle/heavy.cjs).
import * as z from 'zod/mini';

/**
 * The model name Claude Code gives messages it made up itself (errors, interruptions): no API
 * call, no usage. Streams and transcripts both carry it.
 */
export const SYNTHETIC_MODEL = '<synthetic>';

const count = z.number().check(z.int(), z.nonnegative());
const optCount = z.catch(z.optional(count), undefined);

export const messageUsageSchema = z.looseObject({
  input_tokens: z.catch(count, 0),
  output_tokens: z.catch(count, 0),
  cache_read_input_tokens: z.catch(z.nullish(count), 0),
  cache_creation_input_tokens: z.catch(z.nullish(count), 0),
  cache_creation: z.catch(
    z.nullish(z.looseObject({ ephemeral_5m_input_tokens: optCount, ephemeral_1h_input_tokens: optCount })),
    undefined,
  ),
});
export type MessageUsage = z.infer<typeof messageUsageSchema>;

const contentBlockSchema = z.looseObject({
  type: z.string(),
  id: z.optional(z.string()),
  name: z.optional(z.string()),
  text: z.optional(z.string()),
  tool_use_id: z.optional(z.string()),
  is_error: z.nullish(z.boolean()),
});
export type ContentBlock = z.infer<typeof contentBlockSchema>;

export const initLineSchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
  model: z.optional(z.string()),
  cwd: z.optional(z.string()),
  claude_code_version: z.optional(z.string()),
});

export const assistantLineSchema = z.looseObject({
  type: z.literal('assistant'),
  message: z.looseObject({
    id: z.string(),
    model: z.string(),
    content: z.catch(z.array(contentBlockSchema), []),
    usage: z.optional(messageUsageSchema),
  }),
  parent_tool_use_id: z.nullish(z.string()),
  session_id: z.optional(z.string()),
  timestamp: z.optional(z.string()),
});

export const userLineSchema = z.looseObject({
  type: z.literal('user'),
  message: z.looseObject({ content: z.catch(z.union([z.string(), z.array(contentBlockSchema)]), []) }),
  parent_tool_use_id: z.nullish(z.string()),
  timestamp: z.optional(z.string()),
});

/** A non-negative number, or undefined when absent or anything else. */
const optAmount = z.catch(z.optional(z.number().check(z.nonnegative())), undefined);

export const modelUsageEntrySchema = z.looseObject({
  inputTokens: count,
  outputTokens: count,
  cacheReadInputTokens: z.catch(count, 0),
  cacheCreationInputTokens: z.catch(count, 0),
  cacheCreationEphemeral5mInputTokens: optCount,
  cacheCreationEphemeral1hInputTokens: optCount,
  thinkingTokens: optCount,
  webSearchRequests: optCount,
  costUSD: optAmount,
  canonicalModel: z.catch(z.optional(z.string()), undefined),
});
export type ModelUsageEntry = z.infer<typeof modelUsageEntrySchema>;

export const resultLineSchema = z.looseObject({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.catch(z.boolean(), false),
  session_id: z.optional(z.string()),
  duration_ms: optAmount,
  duration_api_ms: optAmount,
  num_turns: optCount,
  total_cost_usd: optAmount,
  usage: z.catch(z.optional(messageUsageSchema), undefined),
  modelUsage: z.catch(z.optional(z.record(z.string(), modelUsageEntrySchema)), undefined),
  result: z.catch(z.optional(z.string()), undefined),
  api_error_status: z.catch(z.nullish(z.union([z.number(), z.string()])), undefined),
  stop_reason: z.catch(z.nullish(z.string()), undefined),
});

export type InitLine = z.infer<typeof initLineSchema>;
export type AssistantLine = z.infer<typeof assistantLineSchema>;
export type UserLine = z.infer<typeof userLineSchema>;
export type ResultLine = z.infer<typeof resultLineSchema>;
