// Test harness for native services (Prometheus, Thanos, Alertmanager, Jaeger): one spawn with the
// output in a log file, one wait for a readiness URL with a deadline that gives up when the process
// dies, one stop (SIGTERM, SIGKILL after a grace period), and a SIGKILL on exit as a safety net.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { fetchText, type WaitOptions, waitFor } from './wait-for.js';

export interface TestService {
  name: string;
  child: ChildProcess;
  /** The end of its log ('' before there is one). */
  log(chars?: number): string;
  /** "<name> exited with <code or signal>" once it has exited. */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnService(
  name: string,
  bin: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv },
): TestService {
  const { logFile } = options;
  const out = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, {
    stdio: ['ignore', out, out],
    ...(options.env ? { env: options.env } : {}),
  });
  fs.closeSync(out);
  running.add(child);
  child.once('exit', () => running.delete(child));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    child,
    log(chars = 3000) {
      try {
        return fs.readFileSync(logFile, 'utf8').slice(-chars);
      } catch {
        return '';
      }
    },
    exited: () => (gone() ? `${name} exited with ${child.exitCode ?? child.signalCode}` : undefined),
    async stop(graceMs = 5000) {
      if (gone()) return;
      const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * Waits until `url` answers 200; gives up at once if the service exits. Either failure carries the
 * end of its log.
 */
export async function awaitReady(
  service: TestService,
  url: string,
  options: Pick<WaitOptions, 'timeoutMs' | 'intervalMs' | 'what'> & { logChars?: number } = {},
): Promise<void> {
  await waitFor(async () => (await fetchText(url, 1000)).status === 200, {
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
    what: options.what ?? `${service.name} at ${url}`,
    fatal: service.exited,
  }).catch((error) => {
    throw new Error(`${(error as Error).message}\n${service.log(options.logChars)}`);
  });
}
