// The recorded Claude Code streams (wrapper/test/fixtures/streams, made by record-streams.ts) and an
// independent reading of them with plain JSON.parse, for tests to compare the parser against.
import fs from 'node:fs';
import path from 'node:path';
import { MALFORMED_SOURCE, SCENARIOS, STREAMS_DIR } from '../../fixtures/record-streams.js';

export { MALFORMED_SOURCE, SCENARIOS };
export const RECORDED = SCENARIOS.map((s) => s.name);

export function streamText(name: string): string {
  return fs.readFileSync(path.join(STREAMS_DIR, `${name}.jsonl`), 'utf8');
}

/** The stream's lines, without the final newline's empty remainder. */
export function streamLines(name: string): string[] {
  return streamText(name).replace(/\n$/, '').split('\n');
}

export interface RawLine {
  type?: string;
  subtype?: string;
  session_id?: string;
  message?: { id?: string; model?: string; content?: { type: string; id?: string; tool_use_id?: string }[] };
  [key: string]: unknown;
}

/** Every line that is a JSON object, parsed without any of claude-otel's code. */
export function rawObjects(name: string): RawLine[] {
  const out: RawLine[] = [];
  for (const line of streamLines(name)) {
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as RawLine);
    } catch {
      // not JSON: skipped
    }
  }
  return out;
}

export interface RawModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
  cacheCreationEphemeral5mInputTokens: number;
  cacheCreationEphemeral1hInputTokens: number;
  costUSD: number;
}

export interface RawResult extends RawLine {
  subtype: string;
  is_error: boolean;
  total_cost_usd: number;
  num_turns: number;
  modelUsage: Record<string, RawModelUsage>;
}

export function rawResult(name: string): RawResult {
  const result = rawObjects(name).find((o) => o.type === 'result');
  if (!result) throw new Error(`${name}.jsonl has no result line`);
  return result as RawResult;
}

export function scenarioOf(name: string) {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no recorded scenario ${name}`);
  return s;
}
