// The metric contract as pure data: what each ledger run adds to the openai_* counters and
// histogram and to the OpenTelemetry GenAI metrics. The one home of that mapping: the OTel SDK
// (export) and prom-client (`serve`) only aggregate these points.
import { IDENTITY_KEYS } from '../config/identity.js';
import type { RunRecord } from '../ledger/schema.js';
import { costByModel, primaryModel } from '../usage/cost-split.js';
import { DURATION_BUCKETS_MS } from '../usage/duration-buckets.js';

export type TokenType = 'prompt' | 'completion' | 'cache_read' | 'cache_creation' | 'total';
export const TOKEN_TYPES: readonly TokenType[] = [
  'prompt',
  'completion',
  'cache_read',
  'cache_creation',
  'total',
];

/**
 * Instrument names and units. The collector's prometheus exporter drops `{...}` annotations and
 * appends real units (`ms` → `_milliseconds`), so the units below keep the Prometheus names exact:
 * openai_tokens_total, openai_token_cost_total, openai_request_duration_ms_{bucket,sum,count}.
 */
export const INSTRUMENTS = {
  tokens: { name: 'openai.tokens', unit: '{token}', description: 'Tokens used by Claude Code runs' },
  cost: {
    name: 'openai.token_cost',
    unit: '{cent}',
    description: 'Estimated cost of Claude Code runs in US cents',
  },
  duration: {
    name: 'openai.request_duration_ms',
    unit: '{ms}',
    description: 'Wall time of one Claude Code run in milliseconds',
  },
  genAiTokens: {
    name: 'gen_ai.client.token.usage',
    unit: '{token}',
    description: 'Tokens per agent invocation',
  },
  genAiDuration: {
    name: 'gen_ai.client.operation.duration',
    unit: 's',
    description: 'Agent invocation duration',
  },
} as const;

/**
 * The Prometheus names and labels of the openai_* instruments, as the collector path produces
 * them from INSTRUMENTS and as `serve` writes them directly. Each also carries the team-mode
 * labels (IDENTITY_LABELS) on runs that have them.
 */
export const PROMETHEUS_SERIES = {
  tokens: {
    name: 'openai_tokens_total',
    help: 'Tokens used by Claude Code runs (prompt = uncached input, completion = output, cache_read, cache_creation, total)',
    labels: ['model', 'operation', 'token_type', 'status', 'agent'],
  },
  cost: {
    name: 'openai_token_cost_total',
    help: INSTRUMENTS.cost.description,
    labels: ['model', 'operation', 'status', 'agent'],
  },
  duration: {
    name: 'openai_request_duration_ms',
    help: INSTRUMENTS.duration.description,
    labels: ['model', 'operation', 'status'],
  },
} as const;

/** Team mode's labels on every openai_* series, present only on runs recorded in team mode. */
export const IDENTITY_LABELS: readonly string[] = IDENTITY_KEYS;

/** Semantic-convention advice for gen_ai.client.token.usage. */
export const GEN_AI_TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Seconds: the semconv advice stops at 81.92 s; Claude Code runs go on for minutes to hours. */
export const GEN_AI_DURATION_BUCKETS = DURATION_BUCKETS_MS.map((ms) => ms / 1000);

export type Labels = Record<string, string>;
export interface Point {
  labels: Labels;
  value: number;
}

/**
 * What the contract reads of a run: a full ledger record is one, and so is a report run (which
 * has no subtype; an error then carries its termination as `error.type`).
 */
export type MetricRun = Pick<
  RunRecord,
  'operation' | 'status' | 'agent' | 'models' | 'cost_usd' | 'duration_ms' | 'termination'
> & { subtype?: RunRecord['subtype']; identity?: RunRecord['identity'] };

export interface RunPoints {
  tokens: Point[];
  cost: Point[];
  duration: Point[];
  genAiTokens: Point[];
  genAiDuration: Point[];
}

export function runPoints(record: MetricRun): RunPoints {
  const base: Labels = { operation: record.operation, status: record.status };
  for (const key of IDENTITY_KEYS) {
    const value = record.identity?.[key];
    if (value) base[key] = value;
  }
  const points: RunPoints = { tokens: [], cost: [], duration: [], genAiTokens: [], genAiDuration: [] };
  const genAi = (model: string): Labels => ({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': model,
    'gen_ai.response.model': model,
    ...(record.status === 'error' ? { 'error.type': record.subtype ?? record.termination } : {}),
  });
  for (const [model, usage] of Object.entries(record.models)) {
    for (const tokenType of TOKEN_TYPES) {
      const value = usage[tokenType];
      if (value > 0)
        points.tokens.push({ labels: { model, ...base, token_type: tokenType, agent: record.agent }, value });
    }
    const input = usage.prompt + usage.cache_read + usage.cache_creation;
    points.genAiTokens.push({ labels: { ...genAi(model), 'gen_ai.token.type': 'input' }, value: input });
    points.genAiTokens.push({
      labels: { ...genAi(model), 'gen_ai.token.type': 'output' },
      value: usage.completion,
    });
  }
  for (const [model, usd] of Object.entries(costByModel(record))) {
    points.cost.push({ labels: { model, ...base, agent: record.agent }, value: usd * 100 });
  }
  const model = primaryModel(record);
  points.duration.push({ labels: { model, ...base }, value: record.duration_ms });
  points.genAiDuration.push({ labels: genAi(model), value: record.duration_ms / 1000 });
  return points;
}
