// The status line runs at every render of Claude Code's UI: its whole-process time (launcher,
// bundle, stdin, data-home reads) against `node -e 0`, interleaved pairs in the same run, with a
// ledger whose month file is large (the status line must not read it) and a day's index.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexRuns } from '../src/ledger/day-index.js';
import { CLI, pairsAgainstNode } from './node-pairs.js';
import type { BenchResult } from './result.js';

const PAYLOAD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../test/fixtures/statusline/subscriber.json',
);
const MAX_RATIO = 2;

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
    const pairs = pairsAgainstNode('statusline', input, env, iterations);
    const ratio = pairs.ours / pairs.bare;
    return pairs.rows({
      name: `statusline vs node -e 0: median whole-process time ratio (${iterations} pairs)`,
      value: ratio,
      unit: 'x',
      target: `<= ${MAX_RATIO}`,
      ok: ratio <= MAX_RATIO,
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
