// Reads Claude Code's own session transcripts (~/.claude/projects/<project>/<session>.jsonl):
// the assistant messages with their usage, model, time and tool calls. One message is written on
// several lines (one per content block) with the same id, so lines are folded by message id and
// request id, as ccusage does; the largest figure wins (early lines may carry a partial count).
import * as z from 'zod';
import { SYNTHETIC_MODEL } from '../stream/schema.js';

const usageSchema = z.object({
  input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative().default(0),
  cache_read_input_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
  cache_creation: z.object({ ephemeral_1h_input_tokens: z.number().int().nonnegative().nullish() }).nullish(),
  server_tool_use: z.object({ web_search_requests: z.number().int().nonnegative().nullish() }).nullish(),
  inference_geo: z.string().nullish(),
});

const contentBlock = z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() });

export const assistantLineSchema = z.object({
  type: z.literal('assistant'),
  timestamp: z.string().datetime({ offset: true }),
  sessionId: z.string().min(1),
  requestId: z.string().optional(),
  uuid: z.string().optional(),
  cwd: z.string().optional(),
  gitBranch: z.string().optional(),
  version: z.string().optional(),
  isSidechain: z.boolean().optional(),
  message: z.object({
    id: z.string().optional(),
    model: z.string().optional(),
    usage: usageSchema,
    content: z.union([z.string(), z.array(contentBlock)]).optional(),
  }),
});

export interface TranscriptMessage {
  /** Dedup key: message id + request id (or the line's uuid when there is no message id). */
  key: string;
  messageId: string;
  sessionId: string;
  at: number;
  model: string;
  input: number;
  output: number;
  cache_read: number;
  cache_creation: number;
  cache_creation_1h: number;
  web_search_requests: number;
  inference_geo: string | null;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  sidechain: boolean;
  tools: string[];
}

export interface ParsedTranscript {
  messages: TranscriptMessage[];
  /** tool_use ids whose result was an error. */
  toolErrors: Set<string>;
  skipped: number;
}

export function parseTranscript(text: string): ParsedTranscript {
  const byKey = new Map<string, TranscriptMessage>();
  const toolErrors = new Set<string>();
  const toolNames = new Map<string, string>();
  let skipped = 0;
  for (const line of text.split('\n')) {
    // Cheap filters first: most lines are user turns, attachments and bookkeeping.
    if (line.includes('"is_error":true') && line.includes('"tool_result"'))
      collectToolErrors(line, toolErrors);
    if (!line.includes('"assistant"') || !line.includes('"usage"')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const parsed = assistantLineSchema.safeParse(value);
    if (!parsed.success) {
      if ((value as { type?: unknown }).type === 'assistant') skipped++;
      continue;
    }
    const l = parsed.data;
    const model = l.message.model ?? 'unknown';
    if (model === SYNTHETIC_MODEL) continue;
    const messageId = l.message.id ?? `uuid:${l.uuid ?? ''}`;
    const key = `${messageId}:${l.requestId ?? ''}`;
    const u = l.message.usage;
    const tools: string[] = [];
    if (Array.isArray(l.message.content)) {
      for (const block of l.message.content) {
        if (block.type === 'tool_use' && block.id && !toolNames.has(block.id)) {
          toolNames.set(block.id, block.name ?? 'unknown');
          tools.push(block.id);
        }
      }
    }
    const msg: TranscriptMessage = {
      key,
      messageId,
      sessionId: l.sessionId,
      at: Date.parse(l.timestamp),
      model,
      input: u.input_tokens,
      output: u.output_tokens,
      cache_read: u.cache_read_input_tokens ?? 0,
      cache_creation: u.cache_creation_input_tokens ?? 0,
      cache_creation_1h: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
      web_search_requests: u.server_tool_use?.web_search_requests ?? 0,
      inference_geo: u.inference_geo || null,
      cwd: l.cwd ?? null,
      gitBranch: l.gitBranch ?? null,
      version: l.version ?? null,
      sidechain: l.isSidechain === true,
      tools,
    };
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, msg);
      continue;
    }
    seen.input = Math.max(seen.input, msg.input);
    seen.output = Math.max(seen.output, msg.output);
    seen.cache_read = Math.max(seen.cache_read, msg.cache_read);
    seen.cache_creation = Math.max(seen.cache_creation, msg.cache_creation);
    seen.cache_creation_1h = Math.max(seen.cache_creation_1h, msg.cache_creation_1h);
    seen.web_search_requests = Math.max(seen.web_search_requests, msg.web_search_requests);
    seen.tools.push(...msg.tools);
  }
  const messages = [...byKey.values()];
  // Tool ids become names now that every tool_use line has been seen.
  for (const m of messages) m.tools = m.tools.map((id) => `${toolNames.get(id) ?? 'unknown'}\u0000${id}`);
  return { messages, toolErrors, skipped };
}

function collectToolErrors(line: string, into: Set<string>): void {
  try {
    const value = JSON.parse(line) as { message?: { content?: unknown } };
    const content = value.message?.content;
    if (!Array.isArray(content)) return;
    for (const block of content as { type?: string; tool_use_id?: string; is_error?: boolean }[]) {
      if (block.type === 'tool_result' && block.is_error === true && block.tool_use_id)
        into.add(block.tool_use_id);
    }
  } catch {
    // A damaged line is counted when it is an assistant line; a user line only loses an error flag.
  }
}
