// An interactive Claude Code session: the terminal belongs to Claude Code. The wrapper ignores
// Ctrl-C while it runs (Claude Code handles it, like a shell's foreground job), then records the
// session with its duration and exit code; its usage comes from the session's transcripts.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Identity } from '../config/identity.js';
import { ClaudeOtelError, EXIT } from '../errors.js';
import { runSpanIdFor, traceIdFor, traceparent } from '../export/trace-ids.js';
import { assertLedgerWritable, newRunId } from '../ledger/store.js';
import type { PriceTableLoader } from '../pricing/price-table-loader.js';
import { ciContext, gitContext } from './context.js';
import type { AgentOutcome } from './run-agent.js';
import { claudeEnv } from './telemetry-env.js';

export interface InteractiveOptions {
  claudeBin: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  operation: string;
  agent: string;
  storePrompts: boolean;
  /** Team mode's labels (run/context.ts runIdentity). */
  identity?: Identity | null;
  /** Called after Claude Code is spawned, so the table loads while it runs. */
  table: PriceTableLoader;
  /** Called right after Claude Code is spawned (e.g. to start loading the exporter). */
  afterSpawn?: () => void;
  /** Told when the session could not be recorded (its exit code still passes through). */
  onLedgerError?: (error: ClaudeOtelError) => void;
}

export async function runInteractive(options: InteractiveOptions): Promise<number> {
  assertLedgerWritable(options.env);
  const invocationId = randomUUID();
  const runId = newRunId();
  // Knowing the session id lets `import` find this session's transcript later.
  const hasSession = options.args.some(
    (a) => a === '--session-id' || a === '--resume' || a === '-r' || a === '-c' || a === '--continue',
  );
  const sessionId = hasSession ? undefined : randomUUID();
  const args = sessionId ? [...options.args, '--session-id', sessionId] : options.args;
  const env = claudeEnv(options.env, {
    storePrompts: options.storePrompts,
    traceparent: traceparent(traceIdFor(invocationId), runSpanIdFor(runId)),
    runId,
    identity: options.identity,
  });
  const startedAt = Date.now();
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    error?: string;
  }>((resolve) => {
    const child = spawn(options.claudeBin, args, { cwd: options.cwd, env, stdio: 'inherit' });
    child.once('error', (e) => resolve({ code: null, signal: null, error: e.message }));
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
  });
  // Everything only needed to record the session loads once Claude Code has been spawned.
  options.afterSpawn?.();
  const gitPromise = gitContext(options.cwd);
  const modules = Promise.all([
    import('../ledger/append.js'),
    import('../stream/run-accumulator.js'),
    import('./build-record.js'),
    import('./session-usage.js'),
  ]);
  const { code, signal, error } = await exited;
  const endedAt = Date.now();
  const [
    { appendRunRecord },
    { RunAccumulator },
    { buildRunRecord, processExitCode },
    { sessionUsage, readInteractiveSession },
  ] = await modules;
  const table = await options.table();
  const acc = new RunAccumulator(startedAt);
  if (sessionId) acc.sessionId = sessionId;
  const outcome: AgentOutcome = {
    acc,
    exitCode: code,
    signal,
    termination: error ? 'spawn_error' : 'completed',
    startedAt,
    endedAt,
    ...(error ? { spawnError: error } : {}),
  };
  // An interactive session prints no result: its usage and turns come from its transcripts, and
  // its status is its exit code. An unreadable transcript leaves the record without usage
  // (`import` can still add it).
  const transcript = sessionId ? readInteractiveSession(env, sessionId, options.cwd) : undefined;
  const record = buildRunRecord(
    outcome,
    {
      runId,
      invocationId,
      operation: options.operation,
      agent: options.agent,
      cwd: options.cwd,
      git: await gitPromise,
      ci: ciContext(options.env),
      identity: options.identity,
      storePrompts: options.storePrompts,
    },
    table,
    transcript,
  );
  if (transcript) Object.assign(record, sessionUsage(transcript, table), { usage_source: 'transcript' });
  record.status = code === 0 ? 'success' : 'error';
  record.is_error = code !== 0;
  try {
    appendRunRecord(record, options.env);
  } catch (failure) {
    options.onLedgerError?.(
      failure instanceof ClaudeOtelError ? failure : new ClaudeOtelError(String(failure), { cause: failure }),
    );
  }
  if (error) return EXIT.notFound;
  return processExitCode(code, signal);
}
