// The wrapper under process faults, with the real Claude Code CLI against the scripted endpoint:
// a hung collector, Claude Code killed by a signal, stdout that cannot be written (a full disk, a
// closed pipe). Whatever happens, the output is not held back, the run is recorded and its exit
// code kept.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { CLI, makeSandbox, readAllFiles, type Sandbox, SECRET_API_KEY, startCli } from '../support/cli.js';
import { childPids } from '../support/processes.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

let api: ScriptedApi;
const sandboxes: Sandbox[] = [];
const outputs: string[] = [];

function sandbox(extra: NodeJS.ProcessEnv = {}): Sandbox {
  const s = makeSandbox(api.url, extra);
  sandboxes.push(s);
  return s;
}

function ledger(s: Sandbox): RunRecord[] {
  const { runs, warnings } = readLedger({ env: s.env, strict: true });
  expect(warnings).toEqual([]);
  return runs;
}

/** Runs the CLI with its stdout going to `stdout` (a file descriptor) or to a pipe closed at once. */
function runWithStdout(args: string[], s: Sandbox, stdout: number | 'closed-pipe') {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: s.workdir,
    env: s.env,
    stdio: ['ignore', stdout === 'closed-pipe' ? 'pipe' : stdout, 'pipe'],
  });
  if (stdout === 'closed-pipe') child.stdout?.destroy();
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once('close', (code) => {
      outputs.push(stderr);
      resolve({ code, stderr });
    });
  });
}

/** A TCP server that accepts connections and never answers: a hung collector. */
let hung: net.Server;
const hungSockets: net.Socket[] = [];
let hungEndpoint: string;

beforeAll(async () => {
  api = await startScriptedApi();
  hung = net.createServer((socket) => {
    hungSockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungEndpoint = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
});

/** A one-task swarm, timed: when its last request reached the endpoint, its first stdout byte, its exit. */
async function timedSwarm(s: Sandbox, tag: string, onFirstOutput?: (pid: number) => void) {
  const running = startCli(
    ['swarm', `hi [[scenario:hello tag=${tag}]]`, '--quiet', '--', '--model', 'claude-sonnet-4-5'],
    s,
  );
  let firstOutputAt: number | undefined;
  const child = running.child;
  child.stdout?.once('data', () => {
    firstOutputAt = Date.now();
    onFirstOutput?.(running.pid!);
  });
  const r = await running.done;
  const exitedAt = Date.now();
  outputs.push(r.stdout, r.stderr);
  const served = api.requests.filter((q) => q.params.tag === tag).map((q) => q.at);
  expect(served.length, r.stderr).toBeGreaterThan(0);
  const lastRequestAt = Math.max(...served);
  return { r, lastRequestAt, firstOutputAt: firstOutputAt ?? exitedAt, exitedAt };
}

afterAll(async () => {
  for (const s of sandboxes) {
    for (const { file, text } of readAllFiles(s.otelHome))
      expect(text.includes(SECRET_API_KEY), file).toBe(false);
  }
  for (const text of outputs) expect(text.includes(SECRET_API_KEY)).toBe(false);
  await api.close();
  for (const socket of hungSockets) socket.destroy();
  hung?.close();
  for (const s of sandboxes) s.cleanup();
});

describe('a hung collector', () => {
  const BOUND_MS = 1000;

  it("the result reaches stdout at once, and the bound covers Claude Code's own exporters too", async () => {
    const env = { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: String(BOUND_MS) };
    // The same run against a collector that refuses connections (fails in milliseconds).
    const control = await timedSwarm(sandbox(env), 'hung-control');
    const s = sandbox({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: hungEndpoint });
    const t = await timedSwarm(s, 'hung-run');
    expect(t.r.code, t.r.stderr).toBe(0);
    expect(t.r.stdout).toContain('Hello from the scripted endpoint');
    // Before: the output waited for Claude Code's 2 s exporter flush and the wrapper's export.
    expect(t.firstOutputAt - t.lastRequestAt).toBeLessThan(
      control.firstOutputAt - control.lastRequestAt + 700,
    );
    // Time added by the hung collector, everything included, stays within the bound.
    const added = t.exitedAt - t.lastRequestAt - (control.exitedAt - control.lastRequestAt);
    expect(added).toBeLessThan(BOUND_MS + 500);
    expect(ledger(s)).toHaveLength(1);
  });

  it('SIGTERM once the result is out keeps the output and the record', async () => {
    const s = sandbox({ OTEL_EXPORTER_OTLP_ENDPOINT: hungEndpoint });
    const t = await timedSwarm(s, 'hung-sigterm', (pid) => process.kill(pid, 'SIGTERM'));
    expect(t.r.stdout).toContain('Hello from the scripted endpoint');
    // The signal found the wrapper still at work (Claude Code flushing, or the export).
    expect(t.r.code === 143 || t.r.signal === 'SIGTERM', `${t.r.code} ${t.r.signal}`).toBe(true);
    const [record] = ledger(s);
    expect(record?.models['claude-sonnet-4-5']?.total).toBe(390);
  });
});

describe('Claude Code killed by a signal', () => {
  it('exits 128 + the signal (137 for SIGKILL) and records the run with that code', async () => {
    const s = sandbox();
    const running = startCli(
      [
        'swarm',
        'slow [[scenario:tools turns=4 delay=1500 tag=kill9child]]',
        '--',
        '--model',
        'claude-sonnet-4-5',
      ],
      s,
    );
    await waitFor(() => api.requests.some((r) => r.params.tag === 'kill9child'), {
      what: 'the first request',
      timeoutMs: 30_000,
    });
    const claude = childPids(running.pid!).find((p) => p.command.includes('claude'));
    expect(claude, 'the claude child').toBeDefined();
    process.kill(claude!.pid, 'SIGKILL');
    const r = await running.done;
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(137);
    const [record] = ledger(s);
    expect(record).toMatchObject({ exit_code: 137, signal: 'SIGKILL', status: 'error' });
  });
});

describe('stdout that cannot be written', () => {
  const oneLine = (stderr: string) => {
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain('Node.js v');
  };

  it('report > /dev/full: one line naming the problem, exit 1', async () => {
    const s = sandbox();
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = await runWithStdout(['report'], s, full);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(/^claude-otel: cannot write the output: .*ENOSPC.*\n$/);
      expect(r.code).toBe(1);
    } finally {
      fs.closeSync(full);
    }
  });

  it('swarm > /dev/full: the run is recorded and Claude Code exit code passes through', async () => {
    const s = sandbox();
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = await runWithStdout(
        ['swarm', 'hi [[scenario:hello tag=devfull]]', '--', '--model', 'claude-sonnet-4-5'],
        s,
        full,
      );
      oneLine(r.stderr);
      expect(r.stderr).toMatch(/^claude-otel: cannot write the output: .*ENOSPC/m);
      expect(r.code).toBe(0);
      expect(ledger(s)).toHaveLength(1);
    } finally {
      fs.closeSync(full);
    }
  });

  it('report and swarm into a closed pipe: quiet, run recorded, exit code kept', async () => {
    const s = sandbox();
    const report = await runWithStdout(['report'], s, 'closed-pipe');
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    const swarm = await runWithStdout(
      ['swarm', 'hi [[scenario:hello tag=epipe]]', '--quiet', '--', '--model', 'claude-sonnet-4-5'],
      s,
      'closed-pipe',
    );
    expect(swarm.stderr).toBe('');
    expect(swarm.code).toBe(0);
    expect(ledger(s)).toHaveLength(1);
  });
});
