// Runs one Claude Code process and follows its stream-json output as it arrives: every line goes
// to the accumulator (and to an optional observer, e.g. for re-rendering or budget checks). Handles
// the per-agent timeout and cancellation: SIGTERM first, SIGKILL if Claude Code does not exit.
// Claude Code runs in its own process group, watched by a tiny shell that ends the group if the
// wrapper dies without cleaning up (kill -9): nothing keeps spending after the wrapper is gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { MAX_TIMER_MS } from '../config/options.js';
import { LineSplitter } from '../stream/line-splitter.js';
import type { StreamEvent } from '../stream/parse-line.js';
import type { RunAccumulator } from '../stream/run-accumulator.js';

export type Termination =
  | 'completed'
  | 'timeout'
  | 'interrupted'
  | 'budget'
  | 'spawn_error'
  /** The wrapper was killed before it recorded the run; recovered later from the transcript. */
  | 'recovered';

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
  cancel(
    reason: Exclude<Termination, 'completed' | 'spawn_error' | 'recovered'>,
    signal?: NodeJS.Signals,
  ): void;
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
    // Its own process group (and session): signals reach it, and its tools, only through us.
    detached: process.platform !== 'win32',
  });
  const watchdog = startWatchdog(child);
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
    signalGroup(child, signal);
    if (!killTimer) {
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), options.killAfterMs ?? 5000);
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
    child.once('close', (code, signal) => {
      watchdog?.kill('SIGKILL');
      resolve([code, signal]);
    });
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
      signalGroup(child, 'SIGKILL');
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

/** Seconds the watchdog gives Claude Code between SIGTERM and SIGKILL once the wrapper is gone. */
const WATCHDOG_GRACE_S = 1;

// Waits for EOF on stdin, whose write end only the wrapper holds (Node's pipes are close-on-exec,
// so Claude Code never inherits it): the wrapper has exited or been killed. Then it ends Claude
// Code's process group, TERM first. It runs in a session of its own, so a kill of the wrapper's
// whole group (CI cancelling a job: kill -9 -<pgid>) does not take it along, and it ignores the
// terminal's signals. The wrapper SIGKILLs it as soon as Claude Code ends normally, so it never
// outlives Claude Code and never signals a group id that was reused.
const WATCHDOG_SCRIPT = `trap '' INT TERM HUP QUIT; read _; kill -TERM -"$0" 2>/dev/null || exit 0; sleep ${WATCHDOG_GRACE_S}; kill -KILL -"$0" 2>/dev/null`;

function startWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (process.platform === 'win32' || child.pid === undefined) return undefined;
  try {
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, String(child.pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Out of the wrapper's process group: a group kill must leave it to do its job.
      detached: true,
    });
    watchdog.on('error', () => {});
    watchdog.stdin?.on('error', () => {});
    // It must not keep the wrapper alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return watchdog;
  } catch {
    return undefined;
  }
}

/** Signals Claude Code's process group (its tools too), or the process alone where there is none. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // The group is gone (or was never made): fall through to the process itself.
    }
  }
  child.kill(signal);
}
