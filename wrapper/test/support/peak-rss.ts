// Runs the built CLI as a child process and reads its peak resident memory (VmHWM, the kernel's
// high-water mark, polled from /proc while it runs), for the import memory test and bench.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { CLI } from './cli.js';

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
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process is gone
      }
    }, 10);
    child.once('error', (error) => {
      clearInterval(poll);
      reject(error);
    });
    child.once('close', (code) => {
      clearInterval(poll);
      resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, peakKb, stdout, stderr });
    });
  });
}
