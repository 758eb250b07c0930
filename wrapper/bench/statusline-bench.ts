// The status line runs at every render of Claude Code's UI: its whole-process time (launcher,
// bundle, stdin, data-home reads) against `node -e 0`, interleaved pairs in the same run, with a
// ledger whose month file is large (the status line must not read it) and a day's index.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexRuns } from '../src/statusline/ledger-figures.js';
import { type BenchResult, median } from './result.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'wrapper/bin/claude-otel.cjs');
const PAYLOAD = path.join(REPO_ROOT, 'wrapper/test/fixtures/statusline/subscriber.json');
const MAX_RATIO = 2;

function timed(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function benchStatusline(iterations = 31): Promise<BenchResult[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-bench-statusline-'));
  try {
    const env = { ...process.env, CLAUDE_OTEL_HOME: home };
    // 50 MB of ledger this month, and 500 runs in today's index.
    const ledger = path.join(home, 'ledger');
    fs.mkdirSync(ledger, { recursive: true });
    const line = `${JSON.stringify({ v: 1, kind: 'run', pad: 'x'.repeat(2000) })}\n`;
    fs.writeFileSync(
      path.join(ledger, `runs-${new Date().toISOString().slice(0, 7)}.jsonl`),
      line.repeat(25_000),
    );
    const now = Date.now();
    indexRuns(
      Array.from({ length: 500 }, (_, i) => ({
        run_id: `run-${i}`,
        started_at: new Date(now - i * 60_000).toISOString(),
        ended_at: new Date(now - i * 60_000 + 5000).toISOString(),
        cost_usd: 0.01,
      })),
      env,
    );
    const input = fs.readFileSync(PAYLOAD, 'utf8');
    const out = spawnSync(process.execPath, [CLI, 'statusline'], { input, env, encoding: 'utf8' }).stdout;
    if (!out.includes('5h 37%')) throw new Error(`unexpected status line: ${out}`);
    const bare: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < iterations; i++) {
      bare.push(timed(['-e', '0'], input, env));
      ours.push(timed([CLI, 'statusline'], input, env));
    }
    const ratio = median(ours) / median(bare);
    const ms = (name: string, value: number): BenchResult => ({
      name,
      value,
      unit: 'ms',
      target: '-',
      ok: true,
    });
    return [
      {
        name: `statusline vs node -e 0: median whole-process time ratio (${iterations} pairs)`,
        value: ratio,
        unit: 'x',
        target: `<= ${MAX_RATIO}`,
        ok: ratio <= MAX_RATIO,
      },
      ms('  node -e 0 median (baseline)', median(bare)),
      ms('  claude-otel statusline median', median(ours)),
    ];
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
