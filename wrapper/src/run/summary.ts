// What a swarm (and `run -p`) prints about itself: the `--json` document, the one-line usage
// summary, and the notes on a run that did not go as planned.

import { formatUsd } from '../format/usd.js';
import type { RunRecord } from '../ledger/schema.js';
import { addTokens, cacheHitRatio, type TokenCounts, zeroTokens } from '../usage/tokens.js';
import type { AgentOutcome } from './run-agent.js';

export interface SwarmJson {
  invocation_id: string;
  runs: {
    run_id: string;
    session_id: string | null;
    agent: string;
    status: string;
    exit_code: number | null;
    cost_usd: number;
    models: Record<string, TokenCounts & { cost_usd: number | null }>;
    /** Why a failed run failed (run/summary.ts runError); absent when it succeeded. */
    error?: string;
  }[];
  totals: { tokens: TokenCounts; cost_usd: number };
}

export function totalsOf(records: RunRecord[]): { tokens: TokenCounts; cost_usd: number } {
  const tokens = zeroTokens();
  let cost = 0;
  for (const r of records) {
    for (const usage of Object.values(r.models)) addTokens(tokens, usage);
    cost += r.cost_usd;
  }
  return { tokens, cost_usd: cost };
}

/** `errors[i]`: why records[i] failed (runError), if it did. */
export function swarmJson(
  invocationId: string,
  records: RunRecord[],
  errors: (string | undefined)[] = [],
): SwarmJson {
  return {
    invocation_id: invocationId,
    runs: records.map((r, i) => ({
      run_id: r.run_id,
      session_id: r.session_id,
      agent: r.agent,
      status: r.status,
      exit_code: r.exit_code,
      cost_usd: r.cost_usd,
      models: Object.fromEntries(
        Object.entries(r.models).map(([model, u]) => [
          model,
          {
            prompt: u.prompt,
            completion: u.completion,
            cache_read: u.cache_read,
            cache_creation: u.cache_creation,
            total: u.total,
            cost_usd: u.cost_usd,
          },
        ]),
      ),
      ...(errors[i] !== undefined ? { error: errors[i] } : {}),
    })),
    totals: totalsOf(records),
  };
}

// Created on first use: building a NumberFormat costs milliseconds at start-up, before the spawn.
let numberFormat: Intl.NumberFormat | undefined;
const fmt = {
  format(n: number): string {
    numberFormat ??= new Intl.NumberFormat('en-US');
    return numberFormat.format(n);
  },
};

export function summaryLine(records: RunRecord[], note?: string): string {
  const { tokens, cost_usd } = totalsOf(records);
  const runs = records.length === 1 ? '1 run' : `${records.length} runs`;
  const unknown = [...new Set(records.flatMap((r) => r.unknown_models))];
  // A model can be unknown to the table yet priced by Claude Code (its fallback guess).
  const unpriced = unknown.filter((m) =>
    records.some((r) => r.unknown_models.includes(m) && r.models[m]?.cost_usd == null),
  );
  const guessed = unknown.filter((m) => !unpriced.includes(m));
  const parts = [
    runs,
    `${fmt.format(tokens.total)} tokens (prompt ${fmt.format(tokens.prompt)}, completion ${fmt.format(tokens.completion)}, cache read ${fmt.format(tokens.cache_read)}, cache write ${fmt.format(tokens.cache_creation)})`,
    `cost ${formatUsd(cost_usd)}`,
    `cache hit ${(cacheHitRatio(tokens) * 100).toFixed(1)}%`,
  ];
  if (unpriced.length > 0) parts.push(`price unknown for ${unpriced.join(', ')}`);
  if (guessed.length > 0) {
    parts.push(`not in the price table: ${guessed.join(', ')} (cost as Claude Code estimated it)`);
  }
  if (note) parts.push(note);
  return `claude-otel: ${parts.join(' · ')}`;
}

/**
 * stderr lines on how one run went wrong (could not start, timed out, unreadable output), the
 * same for `swarm` and `run`. `agent`: a swarm agent's name; undefined for run's one claude.
 * `timeout`: the --timeout value as given.
 */
export function outcomeNotes(
  outcome: AgentOutcome,
  record: RunRecord,
  agent: string | undefined,
  timeout: string | undefined,
): string[] {
  const who = agent === undefined ? '' : `${agent}: `;
  const notes: string[] = [];
  if (outcome.spawnError) notes.push(`claude-otel: ${who}cannot start claude: ${outcome.spawnError}`);
  if (outcome.termination === 'timeout') {
    notes.push(`claude-otel: ${agent ?? 'claude'} timed out after ${timeout}; its partial usage is recorded`);
  }
  if (record.malformed_lines > 0) {
    notes.push(`claude-otel: ${who}${record.malformed_lines} malformed output lines skipped`);
  }
  return notes;
}

/**
 * Why a failed run failed, in a few words for `--json`: the wrapper's reason when it ended the run
 * (timeout, budget, signal) or could not start it, else the result text Claude Code gave for an
 * error result (e.g. "API Error: 400 ..."), else its subtype or exit. Undefined for a success.
 */
export function runError(
  outcome: AgentOutcome,
  record: RunRecord,
  timeout: string | undefined,
): string | undefined {
  if (record.status !== 'error') return undefined;
  if (outcome.spawnError) return `cannot start claude: ${outcome.spawnError}`;
  if (outcome.termination === 'timeout') return `timed out after ${timeout}`;
  if (outcome.termination === 'budget') return "stopped: the swarm's budget was exceeded";
  if (outcome.termination === 'interrupted') return 'interrupted';
  const text = record.is_error ? outcome.acc.resultText()?.trim() : undefined;
  if (text) return text;
  if (record.subtype !== null && record.subtype !== 'success') return record.subtype;
  if (outcome.signal) return `claude was killed by ${outcome.signal}`;
  if (record.malformed_lines > 0) return `${record.malformed_lines} malformed output lines skipped`;
  return `claude exited with code ${record.exit_code}`;
}
