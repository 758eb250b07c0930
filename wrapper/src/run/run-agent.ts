// Runs one Claude Code process and follows its stream-json output as it arrives: every line goes
// to the accumulator (and to an optional observer, e.g. for re-rendering or budget checks). Handles
// the per-agent timeout and cancellation: SIGTERM first, SIGKILL if Claude Code does not exit.
import { spawn } from 'node:child_process';
import { LineSplitter } from '../stream/line-splitter.js';
import type { StreamEvent } from '../stream/parse-line.js';
import { RunAccumulator } from '../stream/run-accumulator.js';

export type Termination = 'completed' | 'timeout' | 'interrupted' | 'budget' | 'spawn_error';

export interface AgentProcessOptions {
  bin: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** 'ignore' for swarm tasks; 'inherit' when passing a user's `claude -p` through. */
  stdin: 'ignore' | 'inherit';
  timeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL. */
  killAfterMs?: number;
  onEvent?: (event: StreamEvent, raw: string) => void;
}

export interface AgentOutcome {
  acc: RunAccumulator;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  termination: Termination;
  startedAt: number;
  endedAt: number;
  spawnError?: string;
}

export interface AgentProcess {
  /** Resolves when the process has exited and its output is fully read. */
  done: Promise<AgentOutcome>;
  /** Stops the run (SIGTERM, then SIGKILL after the grace period), recording why. */
  cancel(reason: Exclude<Termination, 'completed' | 'spawn_error'>, signal?: NodeJS.Signals): void;
  pid: number | undefined;
  /** What the stream has shown so far (for live estimates). */
  acc: RunAccumulator;
}

export function startAgentProcess(options: AgentProcessOptions): AgentProcess {
  const startedAt = Date.now();
  const acc = new RunAccumulator(startedAt);
  let termination: Termination = 'completed';
  let killTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;

  const child = spawn(options.bin, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdin, 'pipe', 'inherit'],
    windowsHide: true,
  });

  const cancel: AgentProcess['cancel'] = (reason, signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (termination === 'completed') termination = reason;
    child.kill(signal);
    if (!killTimer) {
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 5000);
      killTimer.unref();
    }
  };

  if (options.timeoutMs && options.timeoutMs > 0) {
    timeoutTimer = setTimeout(() => cancel('timeout'), options.timeoutMs);
    timeoutTimer.unref();
  }

  const splitter = new LineSplitter((line) => {
    const event = acc.push(line);
    options.onEvent?.(event, line);
  });
  child.stdout?.on('data', (chunk: Buffer) => splitter.push(chunk));

  const done = new Promise<AgentOutcome>((resolve) => {
    let spawnError: string | undefined;
    child.once('error', (error) => {
      spawnError = error.message;
      termination = 'spawn_error';
    });
    child.once('close', (code, signal) => {
      splitter.end();
      // Lines dropped for their size count as malformed, so the user is told about them.
      acc.malformed += splitter.oversized;
      if (splitter.oversized > 0) acc.firstMalformed ??= 'line over the size limit';
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      resolve({
        acc,
        exitCode: code,
        signal,
        termination,
        startedAt,
        endedAt: Date.now(),
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });

  return { done, cancel, pid: child.pid, acc };
}
