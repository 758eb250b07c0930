// The session hook runs at the end of every Claude Code session and after every turn, and Claude
// Code waits for it: its whole-process time (launcher, bundle, stdin, starting the detached
// recorder) against `node -e 0`, interleaved pairs in the same run. The target is the time it adds
// over a bare Node start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awaitRecordings } from '../src/hook/in-flight.js';
import { pairsAgainstNode } from './node-pairs.js';
import type { BenchResult } from './result.js';

const MAX_ADDED_MS = 100;

export async function benchHook(iterations = 21): Promise<BenchResult[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-bench-hook-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CLAUDE_OTEL_HOME: home, CLAUDE_OTEL_EXPORT: 'off' };
    delete env.CLAUDE_OTEL_WRAPPED;
    // A session whose transcript is not there: the recorder finds nothing and logs it.
    const input = JSON.stringify({
      session_id: '00000000-0000-4000-8000-00000000beef',
      transcript_path: path.join(home, 'none.jsonl'),
      cwd: home,
      hook_event_name: 'SessionEnd',
      reason: 'other',
    });
    const pairs = pairsAgainstNode('hook', input, env, iterations, true);
    await awaitRecordings(env, 30_000);
    const added = pairs.ours - pairs.bare;
    return pairs.rows({
      name: `hook: median whole-process time over node -e 0 (${iterations} pairs)`,
      value: added,
      unit: 'ms',
      target: `<= ${MAX_ADDED_MS}`,
      ok: added <= MAX_ADDED_MS,
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
