// The recorded transcript fixtures (fixtures/transcripts, made by record-transcripts.ts from the
// real CLI): each session's files and the stream-json Claude Code printed for the same run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTranscripts } from '../../../src/import/import-transcripts.js';
import type { ResultLine } from '../../../src/stream/schema.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TRANSCRIPTS = path.resolve(HERE, '../../fixtures/transcripts');
export const PROJECTS = path.join(TRANSCRIPTS, 'projects');

export interface RecordedSession {
  sessionId: string;
  project: string;
  /** Main transcript first, then subagents'. */
  files: string[];
  stream: string;
  result: ResultLine;
}

export function recordedSessions(): RecordedSession[] {
  const files = findTranscripts(PROJECTS);
  return fs
    .readdirSync(path.join(TRANSCRIPTS, 'streams'))
    .map((name) => {
      const sessionId = name.replace(/\.jsonl$/, '');
      const stream = fs.readFileSync(path.join(TRANSCRIPTS, 'streams', name), 'utf8');
      const resultLine = stream.split('\n').find((l) => l.includes('"type":"result"'))!;
      const main = files.find((f) => path.basename(f) === `${sessionId}.jsonl`)!;
      const subs = files.filter((f) => f.includes(`${sessionId}${path.sep}subagents${path.sep}`));
      return {
        sessionId,
        project: path.basename(path.dirname(main)),
        files: [main, ...subs],
        stream,
        result: JSON.parse(resultLine) as ResultLine,
      };
    })
    .sort((a, b) => a.files.length - b.files.length || a.sessionId.localeCompare(b.sessionId));
}

const PROMPT_OF = { tools: 'fix it', hello: 'say hello', agent: 'delegate' };

/** The recorded session whose prompt (PROMPTS in record-transcripts.ts) used the given scenario. */
export function sessionWith(scenario: keyof typeof PROMPT_OF): RecordedSession {
  const marker = `"content":"${PROMPT_OF[scenario]} [[scenario:${scenario}`;
  const s = recordedSessions().find((r) => fs.readFileSync(r.files[0]!, 'utf8').includes(marker));
  if (!s) throw new Error(`no recorded session for ${scenario}`);
  return s;
}
