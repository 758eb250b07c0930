// Whole-process time of a claude-otel command against `node -e 0`, in interleaved pairs in the
// same run (the status line and the session hook are judged against a bare Node start).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchResult, median } from './result.js';

export const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../bin/claude-otel.cjs');

/** Wall ms of one process; it must exit 0 (and, with `silent`, print nothing). */
function timed(args: string[], input: string, env: NodeJS.ProcessEnv, silent: boolean): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 || (silent && (r.stdout !== '' || r.stderr !== '')))
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return ms;
}

export interface NodePairs {
  bare: number;
  ours: number;
  /** The two medians as bench rows under a headline row. */
  rows: (headline: BenchResult) => BenchResult[];
}

/** Medians of `iterations` interleaved pairs: `node -e 0`, then `claude-otel <command>`. */
export function pairsAgainstNode(
  command: string,
  input: string,
  env: NodeJS.ProcessEnv,
  iterations: number,
  silent = false,
): NodePairs {
  const bare: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < iterations; i++) {
    bare.push(timed(['-e', '0'], input, env, false));
    ours.push(timed([CLI, command], input, env, silent));
  }
  const m = { bare: median(bare), ours: median(ours) };
  const ms = (name: string, value: number): BenchResult => ({
    name,
    value,
    unit: 'ms',
    target: '-',
    ok: true,
  });
  return {
    ...m,
    rows: (headline) => [
      headline,
      ms('  node -e 0 median (baseline)', m.bare),
      ms(`  claude-otel ${command} median`, m.ours),
    ],
  };
}
