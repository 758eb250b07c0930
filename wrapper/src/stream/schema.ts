// Schemas for the lines Claude Code prints with `--output-format stream-json --verbose`.
// Only the fields claude-otel reads are declared; everything else passes through untouched.
import * as z from 'zod';

/**
 * The model name Claude Code gives messages it made up itself (errors, interruptions): no API
 * call, no usage. Streams and transcripts both carry it.
 */
export const SYNTHETIC_MODEL = '<synthetic>';

const count = z.number().int().nonnegative();
const optCount = count.optional().catch(undefined);

export const messageUsageSchema = z.looseObject({
  input_tokens: count.catch(0),
  output_tokens: count.catch(0),
  cache_read_input_tokens: z.number().int().nonnegative().nullish().catch(0),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish().catch(0),
  cache_creation: z
    .looseObject({ ephemeral_5m_input_tokens: optCount, ephemeral_1h_input_tokens: optCount })
    .nullish()
    .catch(undefined),
});
export type MessageUsage = z.infer<typeof messageUsageSchema>;

const contentBlockSchema = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  tool_use_id: z.string().optional(),
  is_error: z.boolean().nullish(),
});
export type ContentBlock = z.infer<typeof contentBlockSchema>;

export const initLineSchema = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
  model: z.string().optional(),
  cwd: z.string().optional(),
  claude_code_version: z.string().optional(),
});

export const assistantLineSchema = z.looseObject({
  type: z.literal('assistant'),
  message: z.looseObject({
    id: z.string(),
    model: z.string(),
    content: z.array(contentBlockSchema).catch([]),
    usage: messageUsageSchema.optional(),
  }),
  parent_tool_use_id: z.string().nullish(),
  session_id: z.string().optional(),
  timestamp: z.string().optional(),
});

export const userLineSchema = z.looseObject({
  type: z.literal('user'),
  message: z.looseObject({ content: z.union([z.string(), z.array(contentBlockSchema)]).catch([]) }),
  parent_tool_use_id: z.string().nullish(),
  timestamp: z.string().optional(),
});

export const modelUsageEntrySchema = z.looseObject({
  inputTokens: count,
  outputTokens: count,
  cacheReadInputTokens: count.catch(0),
  cacheCreationInputTokens: count.catch(0),
  cacheCreationEphemeral5mInputTokens: optCount,
  cacheCreationEphemeral1hInputTokens: optCount,
  thinkingTokens: optCount,
  webSearchRequests: optCount,
  costUSD: z.number().nonnegative().optional().catch(undefined),
  canonicalModel: z.string().optional().catch(undefined),
});
export type ModelUsageEntry = z.infer<typeof modelUsageEntrySchema>;

export const resultLineSchema = z.looseObject({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean().catch(false),
  session_id: z.string().optional(),
  duration_ms: z.number().nonnegative().optional().catch(undefined),
  duration_api_ms: z.number().nonnegative().optional().catch(undefined),
  num_turns: count.optional().catch(undefined),
  total_cost_usd: z.number().nonnegative().optional().catch(undefined),
  usage: messageUsageSchema.optional().catch(undefined),
  modelUsage: z.record(z.string(), modelUsageEntrySchema).optional().catch(undefined),
  result: z.string().optional().catch(undefined),
  api_error_status: z.union([z.number(), z.string()]).nullish().catch(undefined),
  stop_reason: z.string().nullish().catch(undefined),
});

export type InitLine = z.infer<typeof initLineSchema>;
export type AssistantLine = z.infer<typeof assistantLineSchema>;
export type UserLine = z.infer<typeof userLineSchema>;
export type ResultLine = z.infer<typeof resultLineSchema>;
