// Synthetic ledger runs for export tests, with varied models, token counts and costs, and the
// ledger-side sums that Prometheus totals must equal exactly.
import { randomUUID } from 'node:crypto';
import { type RunRecord, runRecordSchema } from '../../src/ledger/schema.js';

export interface RunShape {
  models?: Record<
    string,
    { prompt: number; completion: number; cache_read: number; cache_creation: number; cost_usd: number }
  >;
  status?: 'success' | 'error';
  agent?: string;
  operation?: string;
  invocation_id?: string;
  duration_ms?: number;
  startMs?: number;
  turns?: number;
}

export function syntheticRun(shape: RunShape = {}): RunRecord {
  const run_id = randomUUID();
  const start = shape.startMs ?? Date.now() - 5000;
  const duration = shape.duration_ms ?? 4000;
  const models = shape.models ?? {
    'claude-sonnet-4-5': { prompt: 10, completion: 20, cache_read: 30, cache_creation: 40, cost_usd: 0.0123 },
  };
  const modelRecords: RunRecord['models'] = {};
  let cost = 0;
  for (const [model, m] of Object.entries(models)) {
    cost += m.cost_usd;
    modelRecords[model] = {
      ...m,
      total: m.prompt + m.completion + m.cache_read + m.cache_creation,
      cache_creation_5m: m.cache_creation,
      cache_creation_1h: 0,
      web_search_requests: 0,
      cost_source: 'claude',
    };
  }
  const turnCount = shape.turns ?? 2;
  const firstModel = Object.keys(models)[0] ?? 'claude-sonnet-4-5';
  const turns = Array.from({ length: turnCount }, (_, i) => ({
    message_id: `msg_${run_id.slice(0, 8)}_${i}`,
    model: firstModel,
    start_ms: start + 100 + i * 1000,
    end_ms: start + 600 + i * 1000,
    input: 5,
    output: 7,
    cache_read: 1,
    cache_creation: 2,
    tool_uses: i < turnCount - 1 ? 1 : 0,
    subagent: false,
  }));
  const tool_spans = turns.slice(0, -1).map((t, i) => ({
    id: `toolu_${run_id.slice(0, 8)}_${i}`,
    name: 'Bash',
    turn_id: t.message_id,
    start_ms: t.end_ms + 10,
    end_ms: t.end_ms + 300,
    is_error: false,
  }));
  return runRecordSchema.parse({
    v: 1,
    kind: 'run',
    run_id,
    invocation_id: shape.invocation_id ?? randomUUID(),
    session_id: randomUUID(),
    operation: shape.operation ?? 'swarm',
    agent: shape.agent ?? 'agent_1',
    started_at: new Date(start).toISOString(),
    ended_at: new Date(start + duration).toISOString(),
    duration_ms: duration,
    duration_api_ms: duration / 2,
    cwd: '/tmp',
    git: null,
    ci: null,
    claude_version: '2.1.330',
    status: shape.status ?? 'success',
    subtype: shape.status === 'error' ? 'error_max_turns' : 'success',
    is_error: shape.status === 'error',
    termination: 'completed',
    exit_code: shape.status === 'error' ? 1 : 0,
    signal: null,
    api_error_status: null,
    num_turns: turnCount,
    models: modelRecords,
    cost_usd: cost,
    cost_source: 'claude',
    usage_source: 'result',
    unknown_models: [],
    tool_calls: {},
    turns,
    tool_spans,
    malformed_lines: 0,
    message_ids: [],
    trace_id: null,
    span_id: null,
  });
}

/** A deterministic variety of shapes: two models, both statuses, three agents. */
export function variedRun(i: number, extra: RunShape = {}): RunRecord {
  const model = i % 2 === 0 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5';
  const models: RunShape['models'] = {
    [model]: {
      prompt: 3 + i,
      completion: 100 + 7 * i,
      cache_read: 1000 + i * 11,
      cache_creation: 50 + (i % 5),
      cost_usd: 0.001 * (i + 1) + 0.00037,
    },
  };
  if (i % 7 === 3)
    models['claude-haiku-4-5'] = {
      prompt: 2,
      completion: 9,
      cache_read: 0,
      cache_creation: 4,
      cost_usd: 0.00011,
    };
  return syntheticRun({
    models,
    status: i % 5 === 4 ? 'error' : 'success',
    agent: `agent_${(i % 3) + 1}`,
    duration_ms: 200 + ((i * 997) % 50_000),
    ...extra,
  });
}

export interface LedgerSums {
  tokens: Record<string, number>;
  costCents: number;
  runs: number;
  durationMs: number;
}

/** Ledger-side truth: tokens by `model/token_type`, total cost in cents, run count. */
export function ledgerSums(records: RunRecord[]): LedgerSums {
  const tokens: Record<string, number> = {};
  let costCents = 0;
  let durationMs = 0;
  for (const r of records) {
    for (const [model, u] of Object.entries(r.models)) {
      for (const t of ['prompt', 'completion', 'cache_read', 'cache_creation', 'total'] as const) {
        tokens[`${model}/${t}`] = (tokens[`${model}/${t}`] ?? 0) + u[t];
      }
    }
    costCents += r.cost_usd * 100;
    durationMs += r.duration_ms;
  }
  return { tokens, costCents, runs: records.length, durationMs };
}
