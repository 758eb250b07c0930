// A session's usage as Claude Code's transcripts record it (main thread and subagents), for a
// run the wrapper watched (per-turn figures), an interactive `run`, and recovery of killed runs.
import fs from 'node:fs';
import { type FoldedTranscript, foldTranscriptFiles, type TranscriptMessage } from './fold.js';
import { sessionTranscriptFiles } from './locate.js';
import { readSubagentMetas, type SubagentMeta } from './subagent-meta.js';

export interface SessionTranscript extends FoldedTranscript {
  /** The files read: the main transcript first, then the subagents'. */
  files: string[];
  /** The subagents' .meta.json (type, starting Agent tool call), by agent id. */
  subagents: Map<string, SubagentMeta>;
}

export interface SessionFilter {
  /** Working directory Claude Code ran in (finds the project directory without a scan). */
  cwd?: string;
  /** Keep only messages written in [from, to] (epoch ms) or listed in `ids`. */
  from?: number;
  to?: number;
  ids?: ReadonlySet<string>;
  /** Read nothing (undefined) when the files are larger than this in all. */
  maxBytes?: number;
}

/**
 * Reads and folds a session's transcripts (main + subagents) from the config directory of `env`
 * (the environment Claude Code ran with). Undefined when the session has no transcript there.
 */
export function readSessionTranscript(
  env: NodeJS.ProcessEnv,
  sessionId: string,
  filter: SessionFilter = {},
): SessionTranscript | undefined {
  const files = sessionTranscriptFiles(env, sessionId, filter.cwd);
  if (files.length === 0) return undefined;
  if (filter.maxBytes !== undefined) {
    let bytes = 0;
    for (const f of files) bytes += fs.statSync(f).size;
    if (bytes > filter.maxBytes) return undefined;
  }
  const folded = foldTranscriptFiles(files);
  const keep = (m: TranscriptMessage) =>
    m.sessionId === sessionId &&
    (filter.ids?.has(m.messageId) === true ||
      ((filter.from === undefined || m.at >= filter.from) && (filter.to === undefined || m.at <= filter.to)));
  return {
    ...folded,
    messages: folded.messages.filter(keep),
    files,
    subagents: readSubagentMetas(files.slice(1)),
  };
}
