// Runs one Claude Code process and follows its stream-json output as it arrives: every line goes
// to the accumulator (and to an optional observer, e.g. for re-rendering or budget checks). Handles
// the per-agent timeout and cancellation: SIGTERM first, SIGKILL if Claude Code does not exit.
import { spawn } from 'node:child_process';
import { LineSplitter } from '../stream/line-splitter.js';
import type { StreamEvent } from '../stream/parse-line.js';
import type { RunAccumulator } from '../stream/run-accumulator.js';

/** The longest delay Node's setTimeout keeps (2^31-1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

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
  /** Called once Claude Code is spawned; output is parsed only once it has resolved too (e.g. the
   * price table `onEvent` needs). */
  waitFor?: () => Promise<unknown>;
  /** Sees every line once it is parsed, with the run's accumulator after the line was added. */
  onEvent?: (event: StreamEvent, raw: string, acc: RunAccumulator) => void;
}

export interface AgentOutcome {
  acc: RunAccumulator;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  termination: Termination;
  startedAt: number;
  endedAt: number;
  /** When the result line arrived (Claude Code then flushes its own telemetry before it exits). */
  resultAt?: number;
  spawnError?: string;
}

export interface AgentProcess {
  /** Resolves when the process has exited and its output is fully read. */
  done: Promise<AgentOutcome>;
  /** Stops the run (SIGTERM, then SIGKILL after the grace period), recording why. */
  cancel(reason: Exclude<Termination, 'completed' | 'spawn_error'>, signal?: NodeJS.Signals): void;
  pid: number | undefined;
  /** What the stream has shown so far (for live estimates); undefined until the parser is loaded. */
  readonly acc: RunAccumulator | undefined;
}

export function startAgentProcess(options: AgentProcessOptions): AgentProcess {
  const startedAt = Date.now();
  let acc: RunAccumulator | undefined;
  let termination: Termination = 'completed';
  let killTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;

  const child = spawn(options.bin, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdin, 'pipe', 'inherit'],
    windowsHide: true,
  });
  // Claude Code is spawned before the stream parser is loaded: loading its schemas takes tens of
  // milliseconds that now overlap Claude Code's own start-up. Output that arrives meanwhile is
  // kept here (a stream without a reader is not enough: Node drains an unread stdout on exit).
  const parser = import('../stream/run-accumulator.js');
  const early: Buffer[] = [];
  let onChunk = (chunk: Buffer) => {
    early.push(chunk);
  };
  child.stdout?.on('data', (chunk: Buffer) => onChunk(chunk));

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
    // Node fires a timer of more than 2^31-1 ms (24.8 days) at once: a longer limit is waited
    // for in steps.
    const arm = (remaining: number) => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      timeoutTimer = setTimeout(() => (remaining > step ? arm(remaining - step) : cancel('timeout')), step);
      timeoutTimer.unref();
    };
    arm(options.timeoutMs);
  }

  let spawnError: string | undefined;
  child.once('error', (error) => {
    spawnError = error.message;
    termination = 'spawn_error';
  });
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('close', (code, signal) => resolve([code, signal]));
  });

  const done = Promise.all([parser, options.waitFor?.()]).then(
    async ([{ RunAccumulator }]) => {
      const runAcc = new RunAccumulator(startedAt);
      acc = runAcc;
      let resultAt: number | undefined;
      const splitter = new LineSplitter((line) => {
        const event = runAcc.push(line);
        if (event.kind === 'result') resultAt ??= Date.now();
        options.onEvent?.(event, line, runAcc);
      });
      for (const chunk of early.splice(0)) splitter.push(chunk);
      onChunk = (chunk) => splitter.push(chunk);
      const [code, signal] = await closed;
      splitter.end();
      // Lines dropped for their size count as malformed, so the user is told about them.
      runAcc.malformed += splitter.oversized;
      if (splitter.oversized > 0) runAcc.firstMalformed ??= 'line over the size limit';
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      const outcome: AgentOutcome = {
        acc: runAcc,
        exitCode: code,
        signal,
        termination,
        startedAt,
        endedAt: Date.now(),
        ...(resultAt !== undefined ? { resultAt } : {}),
        ...(spawnError ? { spawnError } : {}),
      };
      return outcome;
    },
    (error: unknown) => {
      // Only a broken installation gets here: do not leave Claude Code running unobserved.
      child.kill('SIGKILL');
      throw error;
    },
  );

  return {
    done,
    cancel,
    pid: child.pid,
    get acc() {
      return acc;
    },
  };
}
