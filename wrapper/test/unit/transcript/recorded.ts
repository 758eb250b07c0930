// The recorded transcript fixtures (fixtures/transcripts, made by record-transcripts.ts from the
// real CLI): each session's files and the stream-json Claude Code printed for the same run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTranscripts } from '../../../src/import/import-transcripts.js';
import { type RunRecord, runRecordSchema } from '../../../src/ledger/schema.js';
import type { PriceTable } from '../../../src/pricing/price-table.js';
import { buildRunRecord } from '../../../src/run/build-record.js';
import type { RunTranscript } from '../../../src/run/run-subagents.js';
import { RunAccumulator } from '../../../src/stream/run-accumulator.js';
import type { ResultLine } from '../../../src/stream/schema.js';
import { foldTranscriptFiles } from '../../../src/transcript/fold.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TRANSCRIPTS = path.resolve(HERE, '../../fixtures/transcripts');
export const PROJECTS = path.join(TRANSCRIPTS, 'projects');

/** The recorded session of one assistant message (at 2026-11-26T14:14:5x): its project and id. */
export const ONE_MESSAGE_SESSION = {
  project: '-tmp-cc-cwd-f1AWjo',
  sessionId: 'e8e7ef6e-f122-44e0-9916-2a1f9f8d5f78',
} as const;

/** Copies a recorded project into `<claudeDir>/projects/`, where Claude Code would have written it. */
export function copyRecordedProject(claudeDir: string, project: string = ONE_MESSAGE_SESSION.project): void {
  fs.cpSync(path.join(PROJECTS, project), path.join(claudeDir, 'projects', project), { recursive: true });
}

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

/** The record `swarm` writes for a recorded session: its stream, and the transcript given (if any). */
export function wrappedRecord(
  s: RecordedSession,
  transcript: RunTranscript | undefined,
  table: PriceTable,
  runId = 'r1',
): RunRecord {
  const at = foldTranscriptFiles(s.files).messages.map((m) => m.at);
  const acc = new RunAccumulator(Math.min(...at) - 500);
  for (const line of s.stream.split('\n')) if (line) acc.push(line);
  const outcome = {
    acc,
    exitCode: 0,
    signal: null,
    termination: 'completed' as const,
    startedAt: Math.min(...at) - 500,
    endedAt: Math.max(...at) + 500,
  };
  const meta = {
    runId,
    invocationId: 'i1',
    operation: 'swarm',
    agent: 'main',
    cwd: '/w',
    git: null,
    ci: null,
    storePrompts: false,
  };
  return runRecordSchema.parse(buildRunRecord(outcome, meta, table, transcript));
}
