// startAgentProcess spawns Claude Code before its stream parser is loaded and parses the output
// only once the parser (and whatever the caller waits for) is ready: output written meanwhile,
// even by a process that has already exited, must be kept, however much of it there is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgentProcess } from '../../../src/run/run-agent.js';
import { streamLines } from '../stream/recorded.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-run-agent-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A file of `copies` copies of a recorded stream, each with its own message and tool ids. */
function streamFile(copies: number): { file: string; lines: number; messageIds: Set<string> } {
  const source = streamLines('tools-sonnet-4-5');
  const out: string[] = [];
  const messageIds = new Set<string>();
  for (let i = 0; i < copies; i++) {
    for (const line of source) {
      const renamed = line.replaceAll('msg_scripted_', `msg_copy${i}_`).replaceAll('toolu_', `toolu_c${i}_`);
      const id = /"id":"(msg_copy\d+_[^"]+)"/.exec(renamed)?.[1];
      if (id && renamed.includes('"type":"assistant"')) messageIds.add(id);
      out.push(renamed);
    }
  }
  const file = path.join(tmp, `stream-${copies}.jsonl`);
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return { file, lines: out.length, messageIds };
}

function runCat(file: string, extra: { waitFor?: () => Promise<unknown>; exit?: number } = {}) {
  const seen: { kind: string; at: number }[] = [];
  const proc = startAgentProcess({
    bin: '/bin/sh',
    args: ['-c', `cat "$0"; exit ${extra.exit ?? 0}`, file],
    env: { PATH: '/usr/bin:/bin' },
    cwd: tmp,
    stdin: 'ignore',
    waitFor: extra.waitFor,
    onEvent: (event) => seen.push({ kind: event.kind, at: Date.now() }),
  });
  return { proc, seen };
}

describe('startAgentProcess', () => {
  it('reads every line of a large burst written before the parser was loaded', async () => {
    // Well over the pipe's 64 KiB and the stream's own buffer: the writer blocks until read.
    const { file, lines, messageIds } = streamFile(200);
    expect(fs.statSync(file).size).toBeGreaterThan(1_000_000);
    const { proc, seen } = runCat(file);
    expect(proc.acc).toBeUndefined();
    const outcome = await proc.done;
    expect(outcome.exitCode).toBe(0);
    expect(outcome.termination).toBe('completed');
    expect(seen).toHaveLength(lines);
    expect(outcome.acc.malformed).toBe(0);
    expect(new Set(outcome.acc.turns.keys())).toEqual(messageIds);
    expect(proc.acc).toBe(outcome.acc);
  });

  it('parses nothing before waitFor resolves, then all the output of the exited process, and passes the exit code through', async () => {
    const { file, lines } = streamFile(1);
    let release = () => {};
    let releasedAt = 0;
    const gate = new Promise<void>((resolve) => {
      release = () => {
        releasedAt = Date.now();
        resolve();
      };
    });
    let asked = 0;
    const { proc, seen } = runCat(file, {
      waitFor: () => {
        asked++;
        return gate;
      },
      exit: 3,
    });
    expect(asked).toBe(1);
    // The child has long exited by now (Node drains an unread stdout on exit); its output must be kept.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toHaveLength(0);
    release();
    const outcome = await proc.done;
    expect(seen).toHaveLength(lines);
    expect(Math.min(...seen.map((s) => s.at))).toBeGreaterThanOrEqual(releasedAt);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.acc.resultText()).toBeDefined();
  });

  it('reports a binary that cannot be started as a spawn error with an empty accumulator', async () => {
    const proc = startAgentProcess({
      bin: path.join(tmp, 'no-such-claude'),
      args: [],
      env: {},
      cwd: tmp,
      stdin: 'ignore',
    });
    const outcome = await proc.done;
    expect(outcome.termination).toBe('spawn_error');
    expect(outcome.spawnError).toMatch(/ENOENT/);
    expect(outcome.acc.turns.size).toBe(0);
  });
});

describe('the per-agent timeout', () => {
  it('a limit past the 2^31-1 ms a Node timer holds does not fire at once (600h)', async () => {
    const proc = startAgentProcess({
      bin: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 300)'],
      env: { PATH: '/usr/bin:/bin' },
      cwd: tmp,
      stdin: 'ignore',
      timeoutMs: 600 * 3_600_000,
    });
    const outcome = await proc.done;
    expect(outcome.termination).toBe('completed');
    expect(outcome.exitCode).toBe(0);
  });

  it('a short limit still stops the run', async () => {
    const proc = startAgentProcess({
      bin: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 30_000)'],
      env: { PATH: '/usr/bin:/bin' },
      cwd: tmp,
      stdin: 'ignore',
      timeoutMs: 200,
    });
    const outcome = await proc.done;
    expect(outcome.termination).toBe('timeout');
  });
});
