// Benchmarks of the wrapper core, each against a baseline measured in the same run:
// - wall time of `claude-otel swarm` vs bare `claude -p` on the same scripted session (with and
//   without API latency);
// - stream parse throughput vs bare JSON.parse of the same lines;
// - the wrapper's peak RSS while it follows a large stream vs a bare Node process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineSplitter } from '../src/stream/line-splitter.js';
import { RunAccumulator } from '../src/stream/run-accumulator.js';
import { CLAUDE_BIN, CLI, makeSandbox } from '../test/support/cli.js';
import { startScriptedApi } from '../test/support/scripted-api/server.js';
import { type BenchResult, median } from './result.js';

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; ms: number; peakKb: number }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'ignore'] });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process is gone
      }
    }, 10);
    child.once('close', (code) => {
      clearInterval(poll);
      resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, peakKb });
    });
  });
}

/** Milliseconds the scripted endpoint waits before answering each request in the target session. */
export const BENCH_API_LATENCY_MS = 500;

/**
 * Wall time of `claude-otel swarm` against bare `claude -p` on the same scripted 3-request
 * session, in two versions: with the endpoint answering each request after
 * BENCH_API_LATENCY_MS (the target: a real API takes longer than that to answer) and answering
 * at once (the worst case for the ratio, reported without a target). claude-otel's cost is a
 * fixed amount of time per run, also reported in ms.
 */
export async function benchWallTime(iterations = 21): Promise<BenchResult[]> {
  const withLatency = await wallTimePairs(`delay=${BENCH_API_LATENCY_MS}`, iterations);
  const instant = await wallTimePairs('', iterations);
  return [
    ...pairRows(`${BENCH_API_LATENCY_MS} ms API latency`, withLatency, iterations, 1.15),
    ...pairRows('API answering at once (worst case)', instant, iterations),
  ];
}

type PairStats = Awaited<ReturnType<typeof wallTimePairs>>;

/** The ratio (checked against `maxRatio` when given), both medians and the added time. */
function pairRows(session: string, p: PairStats, iterations: number, maxRatio?: number): BenchResult[] {
  const ms = (name: string, value: number): BenchResult => ({
    name,
    value,
    unit: 'ms',
    target: '-',
    ok: true,
  });
  return [
    {
      name: `swarm vs bare claude -p, ${session}: median wall time ratio (${iterations} pairs)`,
      value: p.ratio,
      unit: 'x',
      target: maxRatio === undefined ? '-' : `<= ${maxRatio}`,
      ok: maxRatio === undefined || p.ratio <= maxRatio,
    },
    ms('  bare claude -p median wall time (baseline)', p.bare),
    ms('  claude-otel swarm median wall time', p.wrapped),
    ms('  time claude-otel adds (median of paired differences)', p.added),
  ];
}

async function wallTimePairs(
  scenarioParams: string,
  iterations: number,
): Promise<{ ratio: number; bare: number; wrapped: number; added: number }> {
  const api = await startScriptedApi();
  const sandbox = makeSandbox(api.url, { CLAUDE_OTEL_EXPORT: 'off' });
  try {
    const prompt = `bench [[scenario:tools turns=2${scenarioParams ? ` ${scenarioParams}` : ''}]]`;
    const claudeArgs = ['--model', 'claude-sonnet-4-5'];
    const bareRun = () => run(CLAUDE_BIN, ['-p', prompt, ...claudeArgs], sandbox.env, sandbox.workdir);
    const wrappedRun = () =>
      run(
        process.execPath,
        [CLI, 'swarm', prompt, '--quiet', '--', ...claudeArgs],
        sandbox.env,
        sandbox.workdir,
      );
    const bare: number[] = [];
    const wrapped: number[] = [];
    const ratios: number[] = [];
    // Warm both paths once (page cache, Claude Code's first-run setup).
    await bareRun();
    await wrappedRun();
    for (let i = 0; i < iterations; i++) {
      // Each pair runs back to back, in alternating order, so neither side always runs first
      // and slow drifts of the machine hit both sides of a pair alike.
      let b: Awaited<ReturnType<typeof bareRun>>;
      let w: Awaited<ReturnType<typeof wrappedRun>>;
      if (i % 2 === 0) {
        b = await bareRun();
        w = await wrappedRun();
      } else {
        w = await wrappedRun();
        b = await bareRun();
      }
      if (b.code !== 0 || w.code !== 0)
        throw new Error(`bench run failed: claude ${b.code}, claude-otel ${w.code}`);
      bare.push(b.ms);
      wrapped.push(w.ms);
      ratios.push(w.ms / b.ms);
    }
    return {
      ratio: median(ratios),
      bare: median(bare),
      wrapped: median(wrapped),
      added: median(wrapped.map((w, i) => w - (bare[i] ?? 0))),
    };
  } finally {
    await api.close();
    sandbox.cleanup();
  }
}

/** A large, realistic stream: a recorded tool-using session's lines repeated with fresh ids. */
export function makeLargeStream(targetBytes: number): string {
  const turnLines: string[] = [];
  let i = 0;
  let size = 0;
  const big = 'x'.repeat(2000);
  turnLines.push(
    JSON.stringify({
      type: 'system',
      subtype: 'init',
      session_id: 'bench',
      model: 'claude-sonnet-4-5',
      cwd: '/tmp',
    }),
  );
  while (size < targetBytes) {
    const id = `msg_${i}`;
    const tool = `toolu_${i}`;
    const usage = {
      input_tokens: 100 + i,
      output_tokens: 1,
      cache_read_input_tokens: 500,
      cache_creation_input_tokens: 20,
    };
    const lines = [
      JSON.stringify({
        type: 'assistant',
        message: {
          id,
          model: 'claude-sonnet-4-5',
          content: [{ type: 'text', text: `thinking about step ${i} ${big.slice(0, 300)}` }],
          usage,
        },
        parent_tool_use_id: null,
        session_id: 'bench',
      }),
      JSON.stringify({
        type: 'assistant',
        message: {
          id,
          model: 'claude-sonnet-4-5',
          content: [{ type: 'tool_use', id: tool, name: 'Read', input: { file_path: `/tmp/f${i}` } }],
          usage,
        },
        parent_tool_use_id: null,
        session_id: 'bench',
      }),
      JSON.stringify({
        type: 'user',
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool, content: big }] },
        parent_tool_use_id: null,
        session_id: 'bench',
      }),
    ];
    for (const l of lines) {
      turnLines.push(l);
      size += l.length + 1;
    }
    i++;
  }
  turnLines.push(
    JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      session_id: 'bench',
      num_turns: i,
      total_cost_usd: 1.5,
      modelUsage: {
        'claude-sonnet-4-5': {
          inputTokens: 1,
          outputTokens: 2,
          cacheReadInputTokens: 3,
          cacheCreationInputTokens: 4,
          costUSD: 1.5,
        },
      },
      result: 'done',
    }),
  );
  return `${turnLines.join('\n')}\n`;
}

export function benchParse(stream: string): BenchResult[] {
  const buf = Buffer.from(stream);
  const mb = buf.length / 1e6;
  const chunk = 64 * 1024;
  const time = (fn: () => void) => {
    const t = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const baselineS = median(
    [0, 1, 2].map(() =>
      time(() => {
        const splitter = new LineSplitter((line) => {
          if (line) JSON.parse(line);
        });
        for (let o = 0; o < buf.length; o += chunk) splitter.push(buf.subarray(o, o + chunk));
        splitter.end();
      }),
    ),
  );
  let turns = 0;
  const oursS = median(
    [0, 1, 2].map(() =>
      time(() => {
        const acc = new RunAccumulator(0);
        const splitter = new LineSplitter((line) => acc.push(line, 0));
        for (let o = 0; o < buf.length; o += chunk) splitter.push(buf.subarray(o, o + chunk));
        splitter.end();
        turns = acc.turns.size;
      }),
    ),
  );
  if (turns === 0) throw new Error('parse bench saw no turns');
  return [
    {
      name: `stream parse throughput (${mb.toFixed(0)} MB, ${turns} turns kept)`,
      value: mb / oursS,
      unit: 'MB/s',
      target: '>= 100',
      ok: mb / oursS >= 100,
    },
    {
      name: 'bare JSON.parse of the same lines (baseline)',
      value: mb / baselineS,
      unit: 'MB/s',
      target: '-',
      ok: true,
    },
    {
      name: 'parse throughput vs bare JSON.parse',
      value: baselineS / oursS,
      unit: 'x',
      target: '-',
      ok: true,
    },
  ];
}

export async function benchRss(stream: string): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-bench-'));
  try {
    const file = path.join(dir, 'stream.jsonl');
    fs.writeFileSync(file, stream);
    // A stand-in for claude that prints a large recorded-shape stream: what matters is the wrapper.
    const fake = path.join(dir, 'claude');
    fs.writeFileSync(fake, `#!/bin/sh\nexec cat ${JSON.stringify(file)}\n`, { mode: 0o755 });
    const env = {
      PATH: `/usr/bin:/bin`,
      HOME: dir,
      CLAUDE_OTEL_HOME: path.join(dir, 'otel'),
      CLAUDE_OTEL_EXPORT: 'off',
    };
    const base = await run(process.execPath, ['-e', 'setTimeout(() => {}, 300)'], env, dir);
    const wrapped = await run(
      process.execPath,
      [CLI, 'swarm', 'bench', '--quiet', '--claude-bin', fake],
      env,
      dir,
    );
    if (wrapped.code !== 0) throw new Error(`wrapper exited ${wrapped.code} on the large stream`);
    const mb = wrapped.peakKb / 1024;
    return [
      {
        name: `wrapper peak RSS following a ${(stream.length / 1e6).toFixed(0)} MB stream`,
        value: mb,
        unit: 'MB',
        target: '< 150',
        ok: mb < 150,
      },
      {
        name: 'bare node process peak RSS (baseline)',
        value: base.peakKb / 1024,
        unit: 'MB',
        target: '-',
        ok: true,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
