// Runs every shipped PromQL expression (panel targets with Grafana's variables substituted, alert
// values and conditions, recording rules) as an instant query against a real Prometheus and
// reports, per expression, whether it parsed and whether it returned data.
import {
  type AlertExpression,
  listAlertExpressions,
  listPanelQueries,
  type PanelQuery,
  substituteVariables,
  type VariableValues,
} from '../../src/queries.js';

export type CheckKind = 'panel' | 'alert' | 'alert-condition';

export interface QueryCheck {
  readonly kind: CheckKind;
  /** `Dashboard / Panel / refId` for panels, `source / name` for rules. */
  readonly where: string;
  /** The expression as sent, variables substituted. */
  readonly expr: string;
  /** Prometheus accepted and evaluated it. */
  readonly ok: boolean;
  /** At least one sample that is a number (NaN from 0/0 does not count). */
  readonly hasData: boolean;
  readonly error?: string;
  /** Set when EXPECTED_EMPTY lists this expression: why a short run may leave it empty. */
  readonly expectedEmptyReason?: string;
}

export interface CheckOptions extends Partial<VariableValues> {
  /** `$__range`: must cover the data, e.g. `2h` for a run made within the last two hours. */
  readonly range: string;
  /** Evaluation time in Unix seconds; default now. */
  readonly time?: number;
  readonly timeoutMs?: number;
  /** The dashboards folder to read (default `grafana/dashboards`; `grafana/dashboards-thanos`). */
  readonly dashboards?: string;
  /** Check the alert and recording rules too (default true; they run on Prometheus only). */
  readonly alerts?: boolean;
}

/**
 * What one short end-to-end run (a few runs within minutes, no git activity) cannot produce.
 * Anything not listed must return data after such a run. `where` is as in QueryCheck.
 */
export const EXPECTED_EMPTY: ReadonlyArray<{ where: string; reason: string }> = [
  ...[
    'Claude OTel / Claude Code activity / Plan window used / A',
    'Claude OTel / Claude Code activity / Plan window time gone (pace) / A',
    'Claude OTel / Claude Code activity / Plan window time gone (pace) / B',
    'Claude OTel / Claude Code activity / Projected time to the limit / A',
    'Claude OTel / Teams / Plan window used / A',
    'Claude OTel / Teams / Plan window time gone (pace) / A',
    'Claude OTel / Teams / Plan window time gone (pace) / B',
    'Claude OTel / Teams / Projected time to the limit / A',
    'prometheus-alert / ClaudeOtelPlanWindowHigh',
    'prometheus-alert / ClaudeOtelPlanWindowNearLimit',
    'grafana-alert / ClaudeOtelPlanWindowHigh',
    'grafana-alert / ClaudeOtelPlanWindowNearLimit',
  ].map((where) => ({
    where,
    reason: "claude_otel_plan_* exist only after a Pro/Max subscriber's status line reported a plan window",
  })),
  {
    where: 'Claude OTel / Cache efficiency / Cache reads versus a day earlier / A',
    reason: 'compares with the same time a day earlier (offset 1d): a fresh Prometheus has no data that old',
  },
  {
    where: 'prometheus-alert / ClaudeOtelCacheReadsFalling',
    reason: 'compares the last hour with the day before it (offset 1h): needs more than an hour of data',
  },
  {
    where: 'grafana-alert / ClaudeOtelCacheReadsFalling',
    reason: 'mirror of the Prometheus alert: needs more than an hour of data',
  },
  {
    where: 'prometheus-alert / ClaudeOtelHighErrorRate',
    reason: 'returns a value only after at least errorMinRuns (5) runs and one error within the hour',
  },
  {
    where: 'grafana-alert / ClaudeOtelHighErrorRate',
    reason: 'mirror of the Prometheus alert: needs 5 runs and one error within the hour',
  },
  {
    where: 'Claude OTel / Claude Code activity / Commits / A',
    reason: 'claude_code_commit_count_total only exists after Claude Code made a git commit',
  },
  {
    where: 'Claude OTel / Claude Code activity / Pull requests / A',
    reason: 'claude_code_pull_request_count_total only exists after Claude Code opened a pull request',
  },
  {
    where: 'Claude OTel / Claude Code activity / Sessions, commits and pull requests per hour / B',
    reason: 'commits: only after Claude Code made a git commit',
  },
  {
    where: 'Claude OTel / Claude Code activity / Sessions, commits and pull requests per hour / C',
    reason: 'pull requests: only after Claude Code opened a pull request',
  },
  {
    where: 'Claude OTel / Claude Code activity / Lines added / A',
    reason: 'claude_code_lines_of_code_count_total only exists after an edit tool changed a file',
  },
  {
    where: 'Claude OTel / Claude Code activity / Lines removed / A',
    reason: 'type="removed" only after an edit removed lines',
  },
  {
    where: 'Claude OTel / Claude Code activity / Lines of code per hour / A',
    reason: 'claude_code_lines_of_code_count_total only exists after an edit tool changed a file',
  },
];

export function panelWhere(q: PanelQuery): string {
  return `${q.dashboard} / ${q.panel} / ${q.refId}`;
}

export function alertWhere(a: AlertExpression): string {
  return `${a.source} / ${a.name}`;
}

interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

function numbersIn(data: PromResponse['data']): number[] {
  if (!data) return [];
  const r = data.result;
  if (data.resultType === 'scalar' || data.resultType === 'string')
    return [Number((r as [number, string])[1])];
  const series = r as Array<{ value?: [number, string]; values?: Array<[number, string]> }>;
  return series.flatMap((s) => [...(s.value ? [s.value] : []), ...(s.values ?? [])].map((v) => Number(v[1])));
}

async function instantQuery(promUrl: string, expr: string, time: number, timeoutMs: number) {
  const body = new URLSearchParams({ query: expr, time: String(time) });
  try {
    const res = await fetch(`${promUrl}/api/v1/query`, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json()) as PromResponse;
    if (json.status !== 'success')
      return { ok: false, hasData: false, error: json.error ?? `HTTP ${res.status}` };
    return { ok: true, hasData: numbersIn(json.data).some((n) => !Number.isNaN(n)) };
  } catch (err) {
    return { ok: false, hasData: false, error: (err as Error).message };
  }
}

/** Every shipped expression, checked one after another (Prometheus on 2 cores, no need to flood it). */
export async function checkQueriesAgainst(promUrl: string, opts: CheckOptions): Promise<QueryCheck[]> {
  const vars: VariableValues = {
    range: opts.range,
    rateInterval: opts.rateInterval ?? '5m',
    model: opts.model ?? '.*',
    agent: opts.agent ?? '.*',
    operation: opts.operation ?? '.*',
    datasource: opts.datasource ?? 'prometheus',
  };
  const time = opts.time ?? Date.now() / 1000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const reasons = new Map(EXPECTED_EMPTY.map((e) => [e.where, e.reason]));
  const todo: Array<{ kind: CheckKind; where: string; expr: string }> = [
    ...listPanelQueries(undefined, opts.dashboards).map((q) => ({
      kind: 'panel' as const,
      where: panelWhere(q),
      expr: substituteVariables(q.expr, vars),
    })),
    ...(opts.alerts === false ? [] : listAlertExpressions()).flatMap((a) => [
      { kind: 'alert' as const, where: alertWhere(a), expr: a.expr },
      ...(a.condition ? [{ kind: 'alert-condition' as const, where: alertWhere(a), expr: a.condition }] : []),
    ]),
  ];
  const out: QueryCheck[] = [];
  for (const q of todo) {
    const r = await instantQuery(promUrl, q.expr, time, timeoutMs);
    const reason = reasons.get(q.where);
    out.push({ ...q, ...r, ...(reason ? { expectedEmptyReason: reason } : {}) });
  }
  return out;
}

/** Human-readable problems: parse errors anywhere, and missing data where data is expected. */
export function queryProblems(results: readonly QueryCheck[]): string[] {
  return results.flatMap((r) => {
    if (!r.ok) return [`${r.kind} ${r.where}: ${r.error}\n  ${r.expr}`];
    if (r.kind !== 'alert-condition' && !r.hasData && !r.expectedEmptyReason) {
      return [`${r.kind} ${r.where}: no data\n  ${r.expr}`];
    }
    return [];
  });
}
