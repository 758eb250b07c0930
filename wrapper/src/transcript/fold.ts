// The one transcript fold: turns the lines of Claude Code's session transcripts
// (<config>/projects/<project>/<session>.jsonl and <session>/subagents/agent-<id>.jsonl) into
// per-message final usage, with model, time and tool calls. One message is written on several
// lines while it streams (one per content block, early ones with a partial output count), so
// lines are folded by message id + request id and the largest figure wins. Used by import, by
// interactive `run`, and by the per-turn figures of wrapped runs.
// zod/mini, not classic zod: wrapped runs load this (scripts/bundle.mjs keeps classic zod out of
// bundle/heavy.cjs).
import * as z from 'zod/mini';
import { forEachFileLine } from '../file-lines.js';
import { SYNTHETIC_MODEL } from '../stream/schema.js';

const count = z.number().check(z.int(), z.nonnegative());

const usageSchema = z.object({
  input_tokens: z._default(count, 0),
  output_tokens: z._default(count, 0),
  cache_read_input_tokens: z.nullish(count),
  cache_creation_input_tokens: z.nullish(count),
  cache_creation: z.nullish(z.object({ ephemeral_1h_input_tokens: z.nullish(count) })),
  server_tool_use: z.nullish(z.object({ web_search_requests: z.nullish(count) })),
  inference_geo: z.nullish(z.string()),
});

const contentBlock = z.object({ type: z.string(), id: z.optional(z.string()), name: z.optional(z.string()) });

export const assistantLineSchema = z.object({
  type: z.literal('assistant'),
  timestamp: z.iso.datetime({ offset: true }),
  sessionId: z.string().check(z.minLength(1)),
  requestId: z.optional(z.string()),
  uuid: z.optional(z.string()),
  cwd: z.optional(z.string()),
  gitBranch: z.optional(z.string()),
  version: z.optional(z.string()),
  isSidechain: z.optional(z.boolean()),
  agentId: z.optional(z.string()),
  message: z.object({
    id: z.optional(z.string()),
    model: z.optional(z.string()),
    usage: usageSchema,
    content: z.optional(z.union([z.string(), z.array(contentBlock)])),
  }),
});

export interface TranscriptMessage {
  /** Dedup key: message id + request id (or the line's uuid when there is no message id). */
  key: string;
  messageId: string;
  requestId: string | null;
  sessionId: string;
  /** The subagent that wrote it (subagent transcripts), else null. */
  agentId: string | null;
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

export interface FoldedTranscript {
  messages: TranscriptMessage[];
  /** tool_use ids whose result was an error. */
  toolErrors: Set<string>;
  /** Lines left out: damaged (not JSON, or an assistant line of the wrong shape) or without a type. */
  skipped: number;
  damaged: number;
  /** JSON lines without a string `type` (not a transcript line Claude Code writes). */
  untyped: number;
}

/** Assistant lines validated without zod's JIT before it is worth compiling the schema. */
const JIT_AFTER = 200;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a line is a JSON object with a top-level "type" key, without parsing it: a scan that
 * skips strings (with their escapes) and tracks bracket depth. A line whose brackets do not
 * balance, or that is not an object, is damaged.
 */
export function lineShape(line: string): 'typed' | 'untyped' | 'damaged' {
  const text = line.trim();
  if (text.charCodeAt(0) !== 0x7b) return text.charCodeAt(0) === 0x5b ? 'untyped' : 'damaged';
  let depth = 0;
  let typed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let end = text.indexOf('"', i + 1);
      for (;;) {
        if (end === -1) return 'damaged';
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end;
      if (depth === 1 && !typed && end - start === 5 && text.startsWith('"type"', start)) {
        let j = end + 1;
        while (text.charCodeAt(j) === 0x20) j++;
        if (text.charCodeAt(j) === 0x3a) typed = true;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0 && i !== text.length - 1) return 'damaged';
    }
  }
  if (depth !== 0) return 'damaged';
  return typed ? 'typed' : 'untyped';
}

/** Folds transcript lines as they are read; `result()` gives the messages so far. */
export class TranscriptFold {
  private readonly byKey = new Map<string, TranscriptMessage>();
  private readonly toolErrors = new Set<string>();
  private readonly toolNames = new Map<string, string>();
  private damaged = 0;
  private untyped = 0;
  private assistantLines = 0;

  push(line: string): void {
    if (line.length === 0 || line.trim().length === 0) return;
    // Cheap filters first: most lines are user turns, attachments and bookkeeping, and a line that
    // starts with its type needs no parse unless it may be an assistant message or a tool error.
    const toolError = line.includes('"is_error":true') && line.includes('"tool_result"');
    // A raw "type":"assistant" cannot occur inside a JSON string (its quotes would be escaped).
    const candidate = line.includes('"type":"assistant"') && line.includes('"usage"');
    if (!candidate && !toolError) {
      // Most lines: no parse, only a scan for a top-level "type" key and balanced brackets.
      const shape = lineShape(line);
      if (shape === 'damaged') this.damaged++;
      else if (shape === 'untyped') this.untyped++;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.damaged++;
      return;
    }
    const type = value && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string') {
      this.untyped++;
      return;
    }
    if (toolError) collectToolErrors(value, this.toolErrors);
    if (!candidate || type !== 'assistant') return;
    // zod compiles a schema on its first JIT parse (tens of ms): not worth it for the few messages
    // of one run read after Claude Code exits, only for a long import.
    const parsed = assistantLineSchema.safeParse(value, { jitless: ++this.assistantLines <= JIT_AFTER });
    if (!parsed.success) {
      this.damaged++;
      return;
    }
    this.add(parsed.data);
  }

  private add(l: z.infer<typeof assistantLineSchema>): void {
    const model = l.message.model ?? 'unknown';
    if (model === SYNTHETIC_MODEL) return;
    const messageId = l.message.id ?? `uuid:${l.uuid ?? ''}`;
    const key = `${messageId}:${l.requestId ?? ''}`;
    const u = l.message.usage;
    const tools: string[] = [];
    if (Array.isArray(l.message.content)) {
      for (const block of l.message.content) {
        if (block.type === 'tool_use' && block.id && !this.toolNames.has(block.id)) {
          this.toolNames.set(block.id, block.name ?? 'unknown');
          tools.push(block.id);
        }
      }
    }
    const msg: TranscriptMessage = {
      key,
      messageId,
      requestId: l.requestId ?? null,
      sessionId: l.sessionId,
      agentId: l.agentId ?? null,
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
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, msg);
      return;
    }
    seen.input = Math.max(seen.input, msg.input);
    seen.output = Math.max(seen.output, msg.output);
    seen.cache_read = Math.max(seen.cache_read, msg.cache_read);
    seen.cache_creation = Math.max(seen.cache_creation, msg.cache_creation);
    seen.cache_creation_1h = Math.max(seen.cache_creation_1h, msg.cache_creation_1h);
    seen.web_search_requests = Math.max(seen.web_search_requests, msg.web_search_requests);
    seen.tools.push(...msg.tools);
  }

  /** The messages folded so far, as they are (tool ids not yet named): for live usage figures,
   * which read the fold again as more lines arrive (result() is for once all lines are in). */
  current(): Iterable<TranscriptMessage> {
    return this.byKey.values();
  }

  result(): FoldedTranscript {
    const messages = [...this.byKey.values()];
    // Tool ids become names now that every tool_use line has been seen.
    for (const m of messages)
      m.tools = m.tools.map((id) => `${this.toolNames.get(id) ?? 'unknown'}\u0000${id}`);
    return {
      messages,
      toolErrors: this.toolErrors,
      skipped: this.damaged + this.untyped,
      damaged: this.damaged,
      untyped: this.untyped,
    };
  }
}

/** Folds the text of one or more transcripts (lines of several files may be concatenated). */
export function foldTranscript(text: string): FoldedTranscript {
  const fold = new TranscriptFold();
  for (const line of text.split('\n')) fold.push(line);
  return fold.result();
}

/** Folds transcript files (e.g. a session's main and subagent transcripts) read line by line. */
export function foldTranscriptFiles(files: string[]): FoldedTranscript {
  const fold = new TranscriptFold();
  for (const file of files) forEachFileLine(file, (line) => fold.push(line));
  return fold.result();
}

function collectToolErrors(value: unknown, into: Set<string>): void {
  const content = (value as { message?: { content?: unknown } }).message?.content;
  if (!Array.isArray(content)) return;
  for (const block of content as ({ type?: string; tool_use_id?: string; is_error?: boolean } | null)[]) {
    if (block?.type === 'tool_result' && block.is_error === true && block.tool_use_id)
      into.add(block.tool_use_id);
  }
}
