// Runs the built CLI as a child process and reads its peak resident memory (VmHWM, the kernel's
// high-water mark, polled from /proc while it runs), for the import memory test and bench.
import fs from 'node:fs';
import { CLI, startProcess } from './cli.js';

export interface MeasuredRun {
  code: number | null;
  ms: number;
  /** Peak RSS in KiB; a high-water mark, so a poll after the peak still sees it. */
  peakKb: number;
  stdout: string;
  stderr: string;
}

/** `nodeArgs` go to Node itself, before the CLI (e.g. a heap limit). */
export function runCliMeasured(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<MeasuredRun> {
  const run = startProcess(process.execPath, [...nodeArgs, CLI, ...args], {
    env,
    // As before: no deadline of its own (the bench times it; vitest bounds the test).
    timeoutMs: 0,
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${run.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the process is gone
    }
  }, 10);
  return run.done
    .finally(() => clearInterval(poll))
    .then(({ code, ms, stdout, stderr }) => ({ code, ms, peakKb, stdout, stderr }));
}
