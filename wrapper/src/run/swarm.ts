// Runs a set of Claude Code agents, at most `parallel` at once, recording each run in the ledger
// as soon as it ends (before anything is exported). While runs go on, their spend is exported live
// (live-export.ts). Enforces the swarm's budget from the runs' live figures, forwards SIGINT/SIGTERM to every child, and keeps partial usage of cut-short runs.
//
// Start-up time counts against every run it wraps, so nothing that is not needed to start Claude
// Code runs before it is spawned: the stream parser, the price table, the record writer (all of
// which load zod schemas) and the git context load while Claude Code starts.
import { randomUUID } from 'node:crypto';
import type { Identity } from '../config/identity.js';
import { claudeConfigDir } from '../config/paths.js';
import type { ClaudeOtelError } from '../errors.js';
import { resolveExportConfig } from '../export/config.js';
import { runSpanIdFor, traceIdFor, traceparent } from '../export/trace-ids.js';
import type { RunRecord } from '../ledger/schema.js';
import { assertLedgerWritable, newRunId } from '../ledger/store.js';
import type { PriceTable } from '../pricing/price-table.js';
import type { PriceTableLoader } from '../pricing/price-table-loader.js';
import type { StreamEvent } from '../stream/parse-line.js';
import { ciContext, gitContext } from './context.js';
import type { LiveExport } from './live-export.js';
import { type AgentOutcome, type AgentProcess, startAgentProcess } from './run-agent.js';
import { RunningMarkerWriter, runningFigures } from './running-marker.js';
import { claudeEnv } from './telemetry-env.js';

export interface AgentTask {
  agent: string;
  /** Full argument list for claude. */
  args: string[];
  prompt?: string;
}

export interface SwarmOptions {
  tasks: AgentTask[];
  parallel: number;
  claudeBin: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  operation: string;
  /** Called after the first Claude Code is spawned, so the table loads while it starts. */
  table: PriceTableLoader;
  /** Called once, right after the first Claude Code is spawned (e.g. to start loading the exporter). */
  afterFirstSpawn?: () => void;
  storePrompts: boolean;
  /** Team mode's labels (run/context.ts runIdentity), for every run's record and Claude Code's env. */
  identity?: Identity | null;
  stdin: 'ignore' | 'inherit';
  timeoutMs?: number;
  budgetUsd?: number;
  killAfterMs?: number;
  onEvent?: (agent: string, event: StreamEvent, raw: string) => void;
  /** Live export interval in ms (0: off); default CLAUDE_OTEL_LIVE_INTERVAL or 5 s. */
  liveIntervalMs?: number;
  /** Installs SIGINT/SIGTERM forwarding (off in library use and unit tests). */
  handleSignals: boolean;
}

export interface AgentResult {
  task: AgentTask;
  outcome: AgentOutcome;
  record: RunRecord;
}

export interface SwarmResult {
  invocationId: string;
  results: AgentResult[];
  budgetExceeded: boolean;
  interrupted: NodeJS.Signals | null;
  /** Tasks never started (budget reached or interrupted first). */
  skipped: AgentTask[];
  /** Set when a run could not be written to the ledger. */
  ledgerError?: ClaudeOtelError;
  /** When the last Claude Code gave its result (or ended without one): the export bound counts
   * from here, so the time Claude Code spends flushing its own telemetry is inside it. */
  outputAt: number;
}

export async function runSwarm(options: SwarmOptions): Promise<SwarmResult> {
  assertLedgerWritable(options.env);
  const startedAt = Date.now();
  const invocationId = randomUUID();
  const ci = ciContext(options.env);
  // Set once loaded, for the live estimates (the loader shares one load between calls).
  let table: PriceTable | undefined;
  const loadTable = async (): Promise<PriceTable> => {
    table = await options.table();
    return table;
  };
  // Started right after the first spawn (see runOne).
  let gitPromise: Promise<RunRecord['git']> | undefined;
  let recorder: Promise<typeof import('./record-run.js')> | undefined;
  // Loaded after the first spawn too: live figures, and their export when export is on.
  let liveModule: Promise<typeof import('./live-export.js')> | undefined;
  const exportConfig = resolveExportConfig(options.env);
  const liveIntervalMs = options.liveIntervalMs ?? exportConfig.liveIntervalMs;
  const liveTarget = exportConfig.enabled
    ? { endpoint: exportConfig.endpoint, headers: exportConfig.headers, timeoutMs: exportConfig.timeoutMs }
    : undefined;
  const results: AgentResult[] = [];
  const running = new Map<string, { proc: AgentProcess; estimate: () => number }>();
  const queue = [...options.tasks];
  let budgetExceeded = false;
  let interrupted: NodeJS.Signals | null = null;
  let finishedCost = 0;
  let ledgerError: ClaudeOtelError | undefined;

  const stopAll = (reason: 'budget' | 'interrupted', signal: NodeJS.Signals = 'SIGTERM') => {
    for (const { proc } of running.values()) proc.cancel(reason, signal);
  };

  const checkBudget = () => {
    if (options.budgetUsd === undefined || budgetExceeded) return;
    let spent = finishedCost;
    for (const r of running.values()) spent += r.estimate();
    if (spent > options.budgetUsd) {
      budgetExceeded = true;
      stopAll('budget');
    }
  };

  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    stopAll('interrupted', signal);
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  if (options.handleSignals) {
    process.on('SIGINT', sigint);
    process.on('SIGTERM', sigterm);
  }

  const runOne = async (task: AgentTask): Promise<void> => {
    const runId = newRunId();
    const env = claudeEnv(options.env, {
      storePrompts: options.storePrompts,
      traceparent: traceparent(traceIdFor(invocationId), runSpanIdFor(runId)),
      runId,
      identity: options.identity,
    });
    const marker = new RunningMarkerWriter(options.env, {
      run_id: runId,
      invocation_id: invocationId,
      operation: options.operation,
      agent: task.agent,
      started_at: new Date().toISOString(),
      cwd: options.cwd,
      claude_config_dir: claudeConfigDir(env),
      ...(options.identity ? { identity: options.identity } : {}),
    });
    const runStartedAt = Date.now();
    let live: LiveExport | undefined;
    const proc = startAgentProcess({
      bin: options.claudeBin,
      args: task.args,
      env,
      cwd: options.cwd,
      stdin: options.stdin,
      timeoutMs: options.timeoutMs,
      killAfterMs: options.killAfterMs,
      waitFor: loadTable,
      onEvent: (event, raw, acc) => {
        options.onEvent?.(task.agent, event, raw);
        if (event.kind === 'init' && acc.sessionId) {
          // A killed wrapper's run is recovered from this session's transcript.
          marker.set({ session_id: acc.sessionId });
          marker.update(acc, table, true, live?.usage);
          live?.follow(acc.sessionId);
        }
        if (table && (event.kind === 'assistant' || event.kind === 'result')) {
          checkBudget();
          marker.update(acc, table, false, live?.usage);
        }
      },
    });
    if (liveIntervalMs > 0) liveModule ??= import('./live-export.js');
    const liveReady =
      liveModule !== undefined
        ? liveModule.then(({ LiveExport }) => {
            live = new LiveExport({
              claudeEnv: env,
              env: options.env,
              runId,
              operation: options.operation,
              agent: task.agent,
              identity: options.identity,
              startedAt: runStartedAt,
              cwd: options.cwd,
              intervalMs: liveIntervalMs,
              table: () => table,
              ...(liveTarget ? { target: liveTarget } : {}),
              onUsage: (usage) => {
                checkBudget();
                marker.update(proc.acc, table, true, usage);
              },
            });
            if (proc.acc?.sessionId) live.follow(proc.acc.sessionId);
            return live;
          })
        : undefined;
    liveReady?.catch(() => {});
    if (!recorder) {
      recorder = import('./record-run.js');
      gitPromise = gitContext(options.cwd);
      options.afterFirstSpawn?.();
    }
    running.set(runId, {
      proc,
      // The same figures the marker shows (monitor): the transcripts' exact ones, the stream's where ahead.
      estimate: () => (table ? runningFigures(proc.acc, table, live?.usage).cost_usd : 0),
    });
    if (proc.pid !== undefined) marker.set({ claude_pid: proc.pid });
    marker.update(undefined, undefined, true);
    const outcome = await proc.done;
    // A live send in flight settles first: the final export subtracts what the journal says was sent.
    await (await liveReady?.catch(() => undefined))?.stop();
    running.delete(runId);
    const { recordRun } = await recorder;
    const { record, ledgerError: error } = recordRun(
      outcome,
      {
        runId,
        invocationId,
        operation: options.operation,
        agent: task.agent,
        cwd: options.cwd,
        git: (await gitPromise) ?? null,
        ci,
        identity: options.identity,
        prompt: task.prompt,
        storePrompts: options.storePrompts,
      },
      await loadTable(),
      options.env,
    );
    ledgerError ??= error;
    marker.remove();
    finishedCost += record.cost_usd;
    results.push({ task, outcome, record });
    checkBudget();
  };

  try {
    const workers: Promise<void>[] = [];
    const parallel = Math.max(1, Math.min(options.parallel, queue.length || 1));
    for (let i = 0; i < parallel; i++) {
      workers.push(
        (async () => {
          for (;;) {
            if (budgetExceeded || interrupted) return;
            const task = queue.shift();
            if (!task) return;
            await runOne(task);
          }
        })(),
      );
    }
    await Promise.all(workers);
  } finally {
    if (options.handleSignals) {
      process.off('SIGINT', sigint);
      process.off('SIGTERM', sigterm);
    }
  }
  const order = new Map(options.tasks.map((t, i) => [t, i]));
  results.sort((a, b) => (order.get(a.task) ?? 0) - (order.get(b.task) ?? 0));
  return {
    invocationId,
    results,
    budgetExceeded,
    interrupted,
    skipped: queue,
    outputAt: Math.max(startedAt, ...results.map((r) => r.outcome.resultAt ?? r.outcome.endedAt)),
    ...(ledgerError ? { ledgerError } : {}),
  };
}
