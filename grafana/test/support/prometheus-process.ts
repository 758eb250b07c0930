// Starts the real Prometheus binary on a free 127.0.0.1 port over a given data directory, with
// the feature flags the project requires, and stops it (always, also when a test fails).
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PROMETHEUS_FEATURES = 'created-timestamp-zero-ingestion,promql-experimental-functions';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** prometheus.yml with its marked `targets:` line pointed at `target` (what tests and the native stack do). */
export function rewriteScrapeTarget(configText: string, target: string): string {
  const marked = configText.split('\n').filter((l) => l.includes('# CLAUDE_OTEL_SCRAPE_TARGET'));
  if (marked.length !== 1) throw new Error(`expected one marked targets line, found ${marked.length}`);
  return configText.replace(
    /targets: \[[^\]]*\] # CLAUDE_OTEL_SCRAPE_TARGET/,
    `targets: ["${target}"] # CLAUDE_OTEL_SCRAPE_TARGET`,
  );
}

export interface RunningPrometheus {
  readonly url: string;
  readonly logs: () => string;
  stop(): Promise<void>;
}

/**
 * Runs Prometheus with `configPath` over `dataDir`. Rules are resolved relative to the config,
 * so the config must sit where `rules/*.yml` can be found.
 */
export async function startPrometheus(
  bin: string,
  configPath: string,
  dataDir: string,
  deadlineMs = 60_000,
): Promise<RunningPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=90d',
      `--web.listen-address=127.0.0.1:${port}`,
      `--enable-feature=${PROMETHEUS_FEATURES}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) child.kill('SIGKILL');
    }
    await exited;
  };
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { url, logs: () => log, stop };
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`Prometheus did not become ready at ${url}:\n${log.slice(-3000)}`);
}

/** Copies prometheus.yml (target rewritten) and its rules/ into `dir`; returns the copy's path. */
export function writeConfigCopy(repoConfig: string, dir: string, target: string): string {
  cpSync(join(dirname(repoConfig), 'rules'), join(dir, 'rules'), { recursive: true });
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, rewriteScrapeTarget(readFileSync(repoConfig, 'utf8'), target));
  return path;
}
