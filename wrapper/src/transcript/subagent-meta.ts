// What Claude Code writes beside a subagent's transcript (`agent-<id>.meta.json` next to
// `agent-<id>.jsonl`): the subagent's type (`general-purpose`, `Explore`, a custom agent's name)
// and the id of the `Agent` tool call that started it. Read leniently: a missing or damaged file
// leaves the subagent's type unknown, it never stops a recording.
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';

export interface SubagentMeta {
  agentId: string;
  type: string;
  /** The `Agent` tool call (tool_use id) that started the subagent, when Claude Code wrote it. */
  toolUseId: string | null;
}

const metaSchema = z.looseObject({
  agentType: z.string().check(z.minLength(1), z.maxLength(200)),
  toolUseId: z.catch(z.optional(z.string().check(z.minLength(1))), undefined),
});

const AGENT_FILE = /^agent-(.+)\.jsonl$/;

/** The agent id of a subagent transcript (`agent-<id>.jsonl`), else undefined. */
export function subagentIdOf(transcript: string): string | undefined {
  return AGENT_FILE.exec(path.basename(transcript))?.[1];
}

/** The `.meta.json` of a subagent transcript, or undefined when it is absent or not readable. */
export function readSubagentMeta(transcript: string): SubagentMeta | undefined {
  const agentId = subagentIdOf(transcript);
  if (!agentId) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(transcript.replace(/\.jsonl$/, '.meta.json'), 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = metaSchema.safeParse(value, { jitless: true });
  if (!parsed.success) return undefined;
  return { agentId, type: parsed.data.agentType, toolUseId: parsed.data.toolUseId ?? null };
}

/** The metas of the subagent transcripts among `files`, by agent id. */
export function readSubagentMetas(files: readonly string[]): Map<string, SubagentMeta> {
  const out = new Map<string, SubagentMeta>();
  for (const file of files) {
    const meta = readSubagentMeta(file);
    if (meta) out.set(meta.agentId, meta);
  }
  return out;
}
