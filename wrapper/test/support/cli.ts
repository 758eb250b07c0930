// Runs the built claude-otel CLI as a real process for end-to-end tests, against the scripted
// endpoint, with an isolated HOME and ledger, and collects its output and exit code.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO_ROOT, 'wrapper/bin/claude-otel.cjs');
export const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules/.bin/claude');
/** A recognisable fake key: tests scan everything written for it. */
export const SECRET_API_KEY = 'sk-ant-api03-TESTSECRET-0123456789abcdefghijklmnopqrstuvwxyz';

export interface Sandbox {
  dir: string;
  home: string;
  otelHome: string;
  workdir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A temp HOME, ledger and working directory, with env pointing claude at the scripted API. */
export function makeSandbox(apiUrl: string, extra: NodeJS.ProcessEnv = {}): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-test-'));
  const home = path.join(dir, 'home');
  const otelHome = path.join(dir, 'otel');
  const workdir = path.join(dir, 'work');
  for (const d of [home, otelHome, workdir]) fs.mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(CLAUDE_BIN)}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home,
    TZ: 'UTC',
    CLAUDE_OTEL_HOME: otelHome,
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: SECRET_API_KEY,
    // Nothing listens here unless a test starts a collector: export must fail fast and harmlessly.
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    DISABLE_AUTOUPDATER: '1',
    ...extra,
  };
  return {
    dir,
    home,
    otelHome,
    workdir,
    env,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunningCli {
  pid: number | undefined;
  child: import('node:child_process').ChildProcess;
  done: Promise<CliResult>;
  kill(signal: NodeJS.Signals): void;
}

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; 120 s by default, 0 for never (a benchmark's own timing). */
  timeoutMs?: number;
  /** In a process group of its own (its pid is the group id), as CI runs a job. */
  ownGroup?: boolean;
}

/**
 * Any program as a child, stdout and stderr collected, SIGKILLed at the deadline: `done` resolves
 * when it has closed (and rejects if it could not be spawned).
 */
export function startProcess(command: string, args: string[], options: ProcessOptions = {}): RunningCli {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup === true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
  return { pid: child.pid, child, done, kill: (s) => child.kill(s) };
}

/** startProcess, awaited. */
export function runProcess(
  command: string,
  args: string[],
  options: ProcessOptions = {},
): Promise<CliResult> {
  return startProcess(command, args, options).done;
}

export function startCli(
  args: string[],
  sandbox: Pick<Sandbox, 'env' | 'workdir'>,
  timeoutMs = 120_000,
  /** In a process group of its own (its pid is the group id), as CI runs a job. */
  options: { ownGroup?: boolean } = {},
): RunningCli {
  return startProcess(process.execPath, [CLI, ...args], {
    cwd: sandbox.workdir,
    env: sandbox.env,
    timeoutMs,
    ...(options.ownGroup ? { ownGroup: true } : {}),
  });
}

/** Claude Code itself (no wrapper) in a sandbox: `claude <args>`, killed after 90 s. */
export function runClaude(
  args: string[],
  sandbox: Pick<Sandbox, 'env' | 'workdir'>,
  timeoutMs = 90_000,
): Promise<CliResult> {
  return runProcess(CLAUDE_BIN, args, { cwd: sandbox.workdir, env: sandbox.env, timeoutMs });
}

export function runCli(args: string[], sandbox: Pick<Sandbox, 'env' | 'workdir'>, timeoutMs?: number) {
  return startCli(args, sandbox, timeoutMs).done;
}

/** Every file under a directory, as text (for secret scans). */
export function readAllFiles(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, text: fs.readFileSync(file, 'utf8') });
  }
  return out;
}
