// Turns a finished (or cut short) Claude Code run into its ledger record.
import { constants } from 'node:os';
import { EXIT } from '../errors.js';
import { runSpanIdFor, traceIdFor } from '../export/trace-ids.js';
import { LEDGER_VERSION, type RunRecordInput } from '../ledger/schema.js';
import type { PriceTable } from '../pricing/price-table.js';
import { usageFromMessages } from '../transcript/usage.js';
import { type RunUsage, usageFromStream } from '../usage/run-usage.js';
import type { AgentOutcome } from './run-agent.js';
import { type RunTranscript, runSubagents } from './run-subagents.js';
import { streamedTurn, turnsFromTranscript } from './transcript-turns.js';

export interface RunMeta {
  runId: string;
  invocationId: string;
  operation: string;
  agent: string;
  cwd: string;
  git: RunRecordInput['git'];
  ci: RunRecordInput['ci'];
  /** Team mode's labels (config/identity.ts); null or absent when it is off. */
  identity?: RunRecordInput['identity'] | null;
  prompt?: string;
  storePrompts: boolean;
}

/** The exit code claude-otel reports for a run: Claude Code's own, or the conventional one. */
export function runExitCode(outcome: AgentOutcome): number {
  if (outcome.termination === 'timeout') return EXIT.timeout;
  if (outcome.termination === 'spawn_error') return EXIT.notFound;
  return processExitCode(outcome.exitCode, outcome.signal);
}

/** A process's exit code as a shell reports it: its own code, or 128 + the signal that killed it. */
export function processExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? EXIT.failure : 128 + number;
}

/**
 * The record of a run. With the session's transcript (read after Claude Code exited), turns carry
 * each message's final usage and the subagents' messages, and a run cut short before its result
 * gets its usage from the transcript too; without it, turns are as streamed (`turns_source`).
 */
export function buildRunRecord(
  outcome: AgentOutcome,
  meta: RunMeta,
  table: PriceTable,
  transcript?: RunTranscript,
): RunRecordInput {
  const { acc } = outcome;
  let usage: Pick<RunUsage, 'models' | 'cost_usd' | 'cost_source' | 'usage_source' | 'unknown_models'> =
    usageFromStream(acc, table);
  if (!acc.result && transcript && transcript.messages.length > 0)
    usage = {
      ...usageFromMessages(transcript.messages, table, transcript.toolErrors),
      usage_source: 'transcript',
    };
  const perTurn = transcript
    ? turnsFromTranscript(acc.turns, transcript.messages, usage.models, outcome.endedAt)
    : undefined;
  const split = runSubagents(acc, transcript, usage, table);
  const result = acc.result;
  const exitCode = runExitCode(outcome);
  const failed =
    outcome.termination !== 'completed' || exitCode !== 0 || result?.is_error === true || !result;
  const tools: Record<string, { count: number; errors: number; duration_ms: number }> = {};
  for (const call of acc.toolCalls.values()) {
    const stat = tools[call.name] ?? { count: 0, errors: 0, duration_ms: 0 };
    stat.count++;
    if (call.is_error) stat.errors++;
    if (call.ended_at !== null) stat.duration_ms += call.ended_at - call.started_at;
    tools[call.name] = stat;
  }
  const record: RunRecordInput = {
    v: LEDGER_VERSION,
    kind: 'run',
    run_id: meta.runId,
    invocation_id: meta.invocationId,
    session_id: acc.sessionId ?? null,
    operation: meta.operation,
    agent: meta.agent,
    started_at: new Date(outcome.startedAt).toISOString(),
    ended_at: new Date(outcome.endedAt).toISOString(),
    duration_ms: outcome.endedAt - outcome.startedAt,
    duration_api_ms: result?.duration_api_ms ?? null,
    cwd: meta.cwd,
    git: meta.git,
    ci: meta.ci,
    ...(meta.identity ? { identity: meta.identity } : {}),
    claude_version: acc.claudeVersion ?? null,
    status: failed ? 'error' : 'success',
    subtype: result?.subtype ?? null,
    is_error: result?.is_error ?? failed,
    termination: outcome.termination,
    exit_code: exitCode,
    signal: outcome.signal,
    api_error_status: result?.api_error_status ?? null,
    num_turns: result?.num_turns ?? acc.turns.size,
    models: usage.models,
    cost_usd: usage.cost_usd,
    cost_source: usage.cost_source,
    usage_source: usage.usage_source,
    unknown_models: usage.unknown_models,
    tool_calls: tools,
    ...(split ? { subagents: split.subagents } : {}),
    turns: perTurn?.turns ?? [...acc.turns.values()].map(streamedTurn),
    tool_spans: [...acc.toolCalls.values()].map((c) => ({
      id: c.id,
      name: c.name,
      turn_id: c.turn_id,
      start_ms: c.started_at,
      end_ms: c.ended_at,
      is_error: c.is_error,
    })),
    malformed_lines: acc.malformed,
    message_ids: perTurn?.message_ids ?? [...acc.turns.keys()],
    trace_id: traceIdFor(meta.invocationId),
    span_id: runSpanIdFor(meta.runId),
    turns_source: perTurn ? 'transcript' : 'stream',
    ...(split ? { subagent_calls: split.subagent_calls } : {}),
  };
  if (meta.storePrompts) {
    if (meta.prompt !== undefined) record.prompt = meta.prompt;
    const text = acc.resultText();
    if (text !== undefined) record.result_text = text;
  }
  return record;
}
