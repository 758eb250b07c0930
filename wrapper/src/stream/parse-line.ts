// Turns one line of Claude Code's stream-json output into a typed event, never throwing:
// lines that are not JSON, or are JSON of an unexpected shape, come back as `malformed`.
import {
  type AssistantLine,
  assistantLineSchema,
  type InitLine,
  initLineSchema,
  type ResultLine,
  resultLineSchema,
  type UserLine,
  userLineSchema,
} from './schema.js';

export type StreamEvent =
  | { kind: 'init'; line: InitLine }
  | { kind: 'assistant'; line: AssistantLine }
  | { kind: 'user'; line: UserLine }
  | { kind: 'result'; line: ResultLine }
  | { kind: 'other'; type: string }
  | { kind: 'blank' }
  | { kind: 'malformed'; reason: string };

// The result and init lines come once per run, the result as Claude Code exits: compiling zod's
// fast path for them (milliseconds, on the wrapped run's critical path) costs more than it saves.
const ONCE = { jitless: true } as const;

export function parseStreamLine(text: string): StreamEvent {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed', reason: 'not a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'no "type" field' };
  switch (type) {
    case 'assistant':
      return wrap('assistant', assistantLineSchema.safeParse(value));
    case 'user':
      return wrap('user', userLineSchema.safeParse(value));
    case 'result':
      return wrap('result', resultLineSchema.safeParse(value, ONCE));
    case 'system':
      if ((value as { subtype?: unknown }).subtype === 'init')
        return wrap('init', initLineSchema.safeParse(value, ONCE));
      return { kind: 'other', type };
    default:
      return { kind: 'other', type };
  }
}

type Parsed<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: { path: PropertyKey[] }[] } };

function wrap<K extends 'init' | 'assistant' | 'user' | 'result', T>(kind: K, parsed: Parsed<T>) {
  if (parsed.success) return { kind, line: parsed.data } as StreamEvent;
  const where = parsed.error.issues[0]?.path.join('.') ?? '';
  return {
    kind: 'malformed',
    reason: `unexpected ${kind} line${where ? ` at ${where}` : ''}`,
  } as StreamEvent;
}
