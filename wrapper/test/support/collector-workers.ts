// Starts many exporting processes at once (collector-export-worker.ts) and collects their results.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'collector-export-worker.ts');

export interface WorkerResult {
  sent: string[];
  failed: string[];
  warnings: string[];
  error?: string;
  ms: number;
}

export function runWorker(
  home: string,
  endpoint: string,
  count: number,
  seed: number,
  operation: string,
  env: NodeJS.ProcessEnv = {},
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, endpoint, String(count), String(seed), operation],
      {
        env: { ...process.env, ...env, CLAUDE_OTEL_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as WorkerResult);
      } catch {
        reject(new Error(`worker printed no result: ${out} ${err}`));
      }
    });
  });
}
