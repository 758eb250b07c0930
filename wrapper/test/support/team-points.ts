// Sends ledger runs to a collector as the wrapper does (the metric contract's points, the
// project's OTLP encoder and gRPC call), with the team-mode identity labels (`team`, `user`,
// `project`) added to every openai_* point: until the wrapper sets them itself, tests of the
// team budgets, Alertmanager and `report --source prometheus` send them this way.
import { grpcUnary } from '../../src/export/grpc-unary.js';
import { INSTRUMENTS, type Point, runPoints } from '../../src/export/metric-points.js';
import { SERVICE_NAME } from '../../src/export/otel-send.js';
import { encodeMetricsRequest } from '../../src/export/otlp-proto.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { DURATION_BUCKETS_MS } from '../../src/usage/duration-buckets.js';

export interface Identity {
  team?: string;
  user?: string;
  project?: string;
}

const METRICS_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/** One delta request carrying every run's openai_* points with its identity labels. */
export function teamMetricsRequest(
  runs: { record: RunRecord; identity: Identity }[],
  now = Date.now(),
): Uint8Array {
  const tokens: Point[] = [];
  const cost: Point[] = [];
  const duration: Point[] = [];
  for (const { record, identity } of runs) {
    const p = runPoints(record);
    const tag = (points: Point[]) =>
      points.map((pt) => ({ labels: { ...pt.labels, ...identity }, value: pt.value }));
    tokens.push(...tag(p.tokens));
    cost.push(...tag(p.cost));
    duration.push(...tag(p.duration));
  }
  return encodeMetricsRequest({
    serviceName: SERVICE_NAME,
    scope: 'claude-otel',
    startMs: now - 1,
    endMs: now,
    counters: [
      { instrument: INSTRUMENTS.tokens, points: tokens },
      { instrument: INSTRUMENTS.cost, points: cost },
    ],
    histograms: [{ instrument: INSTRUMENTS.duration, bounds: DURATION_BUCKETS_MS, points: duration }],
  });
}

/** Sends the runs in one request; throws with the collector's error if it refused them. */
export async function sendTeamRuns(
  endpoint: string,
  runs: { record: RunRecord; identity: Identity }[],
): Promise<void> {
  const error = await grpcUnary({
    endpoint,
    path: METRICS_PATH,
    message: teamMetricsRequest(runs),
    headers: {},
    deadline: Date.now() + 15_000,
  });
  if (error) throw new Error(`the collector refused the runs: ${error}`);
}
