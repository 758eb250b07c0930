// What a wrapped run costs beyond Claude Code itself, measured on the real CLI and a scripted
// session, against baselines measured in the same run:
// - CPU (user + sys of the whole process tree, as /usr/bin/time counts it) of `claude-otel swarm`
//   exporting to a real collector vs `claude -p` alone with the same telemetry settings;
// - wall time a hung collector (accepts TCP, never answers) adds, vs one that refuses connections,
//   Claude Code's own exporters included, against the documented export bound.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EXPORT_TIMEOUT_MS } from '../src/export/config.js';
import { claudeEnv } from '../src/run/telemetry-env.js';
import { CLAUDE_BIN, CLI, makeSandbox } from '../test/support/cli.js';
import { startCollector } from '../test/support/collector.js';
import { startScriptedApi } from '../test/support/scripted-api/server.js';
import { type BenchResult, median } from './result.js';

/** The CPU target: the wrapper and its Claude Code together, vs Claude Code alone. */
export const CPU_RATIO_TARGET = 1.2;

export interface Measured {
  code: number | null;
  wallMs: number;
  cpuMs: number;
}

/** Runs a command under /usr/bin/time: wall time, and user + sys CPU of it and its children. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measured> {
  const out = path.join(os.tmpdir(), `claude-otel-bench-time-${process.pid}-${Math.random()}`);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S', '-o', out, cmd, ...args], {
      env,
      cwd,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.once('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = fs.readFileSync(out, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
      fs.rmSync(out, { force: true });
      resolve({ code, wallMs, cpuMs: ((fields[1] ?? Number.NaN) + (fields[2] ?? Number.NaN)) * 1000 });
    });
  });
}

const PROMPT = 'bench [[scenario:tools turns=2]]';
const CLAUDE_ARGS = ['--model', 'claude-sonnet-4-5'];

export async function benchProcess(iterations = 15): Promise<BenchResult[]> {
  return [...(await benchCpu(iterations)), ...(await benchHungCollector(Math.max(3, iterations >> 1)))];
}

/** CPU of a one-agent swarm exporting to a real collector vs bare Claude Code, same telemetry env. */
export async function benchCpu(iterations: number): Promise<BenchResult[]> {
  const api = await startScriptedApi();
  const collector = await startCollector();
  const sandbox = makeSandbox(api.url, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint });
  try {
    // Exactly the environment the wrapper gives Claude Code.
    const bareEnv = claudeEnv(sandbox.env, { storePrompts: false });
    const bare = () => timed(CLAUDE_BIN, ['-p', PROMPT, ...CLAUDE_ARGS], bareEnv, sandbox.workdir);
    const wrapped = (extra: NodeJS.ProcessEnv = {}) =>
      timed(
        process.execPath,
        [CLI, 'swarm', PROMPT, '--quiet', '--', ...CLAUDE_ARGS],
        { ...sandbox.env, ...extra },
        sandbox.workdir,
      );
    await bare();
    await wrapped();
    const ratios: number[] = [];
    const offRatios: number[] = [];
    const bareCpu: number[] = [];
    const wrappedCpu: number[] = [];
    for (let i = 0; i < iterations; i++) {
      // Alternating order, so neither side always runs first.
      const runs = i % 2 === 0 ? [bare, wrapped] : [wrapped, bare];
      const first = await runs[0]!();
      const second = await runs[1]!();
      const [b, w] = i % 2 === 0 ? [first, second] : [second, first];
      const off = await wrapped({ CLAUDE_OTEL_EXPORT: 'off' });
      if (b.code !== 0 || w.code !== 0 || off.code !== 0)
        throw new Error(`bench run failed: claude ${b.code}, claude-otel ${w.code}, export off ${off.code}`);
      bareCpu.push(b.cpuMs);
      wrappedCpu.push(w.cpuMs);
      ratios.push(w.cpuMs / b.cpuMs);
      offRatios.push(off.cpuMs / b.cpuMs);
    }
    const ratio = median(ratios);
    const ms = (name: string, value: number): BenchResult => ({
      name,
      value,
      unit: 'ms',
      target: '-',
      ok: true,
    });
    return [
      {
        name: `swarm (exporting to a collector) vs bare claude -p, same telemetry env: median CPU ratio (${iterations} pairs)`,
        value: ratio,
        unit: 'x',
        target: `<= ${CPU_RATIO_TARGET}`,
        ok: ratio <= CPU_RATIO_TARGET,
      },
      {
        name: '  the same with CLAUDE_OTEL_EXPORT=off',
        value: median(offRatios),
        unit: 'x',
        target: '-',
        ok: true,
      },
      ms('  bare claude -p median CPU (user + sys)', median(bareCpu)),
      ms('  claude-otel swarm median CPU, Claude Code included', median(wrappedCpu)),
    ];
  } finally {
    await api.close();
    await collector.close();
    sandbox.cleanup();
  }
}

/**
 * Wall time a hung collector adds to a one-agent swarm: the same session against an endpoint that
 * accepts TCP and never answers, and against one that refuses connections (fails at once),
 * counted from the session's last API request to the wrapper's exit.
 */
export async function benchHungCollector(iterations: number): Promise<BenchResult[]> {
  const api = await startScriptedApi();
  const sockets: net.Socket[] = [];
  const hung = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const hungEndpoint = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
  const sandbox = makeSandbox(api.url);
  try {
    // Time from the session's last API request to the wrapper's exit: what comes after Claude
    // Code's last answer (its telemetry flush, the wrapper's export), without start-up noise.
    let n = 0;
    const tail = async (endpoint: string) => {
      const tag = `hung${n++}`;
      const prompt = PROMPT.replace(']]', ` tag=${tag}]]`);
      const r = await timed(
        process.execPath,
        [CLI, 'swarm', prompt, '--quiet', '--', ...CLAUDE_ARGS],
        { ...sandbox.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
        sandbox.workdir,
      );
      const exitedAt = Date.now();
      if (r.code !== 0) throw new Error(`bench run failed: ${r.code}`);
      const last = Math.max(...api.requests.filter((q) => q.params.tag === tag).map((q) => q.at));
      return exitedAt - last;
    };
    const added: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const refused = await tail('http://127.0.0.1:9');
      const slow = await tail(hungEndpoint);
      if (process.env.BENCH_DEBUG) console.error(`hung tail ${slow} ms, refused tail ${refused} ms`);
      added.push(slow - refused);
    }
    const worst = Math.max(...added);
    return [
      {
        name: `hung collector: wall time added to a run, Claude Code's exporters included (max of ${iterations} pairs)`,
        value: worst,
        unit: 'ms',
        target: `<= the export bound (${DEFAULT_EXPORT_TIMEOUT_MS} ms)`,
        ok: worst <= DEFAULT_EXPORT_TIMEOUT_MS,
      },
      { name: '  median', value: median(added), unit: 'ms', target: '-', ok: true },
    ];
  } finally {
    for (const s of sockets) s.destroy();
    hung.close();
    await api.close();
    sandbox.cleanup();
  }
}
