// The session hook runs at the end of every Claude Code session and after every turn, and Claude
// Code waits for it: its whole-process time (launcher, bundle, stdin, starting the detached
// recorder) against `node -e 0`, interleaved pairs in the same run. The target is the time it adds
// over a bare Node start.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { awaitRecordings } from '../src/hook/in-flight.js';
import { type BenchResult, median } from './result.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'wrapper/bin/claude-otel.cjs');
const MAX_ADDED_MS = 100;

function timed(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 || r.stdout !== '' || r.stderr !== '')
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return ms;
}

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
    const bare: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < iterations; i++) {
      bare.push(timed(['-e', '0'], '', env));
      ours.push(timed([CLI, 'hook'], input, env));
    }
    await awaitRecordings(env, 30_000);
    const added = median(ours) - median(bare);
    const ms = (name: string, value: number): BenchResult => ({
      name,
      value,
      unit: 'ms',
      target: '-',
      ok: true,
    });
    return [
      {
        name: `hook: median whole-process time over node -e 0 (${iterations} pairs)`,
        value: added,
        unit: 'ms',
        target: `<= ${MAX_ADDED_MS}`,
        ok: added <= MAX_ADDED_MS,
      },
      ms('  node -e 0 median (baseline)', median(bare)),
      ms('  claude-otel hook median', median(ours)),
    ];
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
