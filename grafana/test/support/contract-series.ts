// Synthetic OpenMetrics of the metric contract (openai_* and claude_code_*), for loading into a
// real Prometheus with `promtool tsdb create-blocks-from openmetrics`. Counters grow by fixed
// steps per sample so the data looks like steady Claude Code traffic.

export interface SeriesOptions {
  /** Unix seconds of the last sample. */
  readonly end: number;
  /** How far back the data goes, in seconds. */
  readonly spanSeconds: number;
  readonly stepSeconds: number;
  /** Include git and edit activity (commits, pull requests, lines of code). */
  readonly codeActivity: boolean;
  /** Include runs that ended with status="error". */
  readonly errors: boolean;
  /** Include plan-window gauges (a subscriber's status line was running). */
  readonly plan?: boolean;
}

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
const AGENT_OPS = [
  { agent: 'lead', operation: 'swarm' },
  { agent: 'reviewer', operation: 'run' },
];
/** Team mode's identity labels, one team, user and project per model (C's collector adds them). */
const IDENTITY: Record<string, Record<string, string>> = {
  'claude-sonnet-4-5-20250929': { team: 'platform', user: 'ana', project: 'acme/api' },
  'claude-haiku-4-5-20251001': { team: 'web', user: 'cy', project: 'acme/web' },
};
const DURATION_BUCKETS_MS = [
  100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1800000,
];

interface Family {
  readonly name: string;
  readonly type: 'counter' | 'histogram' | 'gauge';
  /** Sample name, labels and per-step increment (from `base`, default 0). */
  readonly series: Array<{ sample: string; labels: Record<string, string>; step: number; base?: number }>;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
}

function families(codeActivity: boolean, errors: boolean): Family[] {
  const statuses = errors ? ['success', 'error'] : ['success'];
  const tokenSteps: Record<string, number> = {
    prompt: 40,
    completion: 60,
    cache_read: 900,
    cache_creation: 60,
  };
  const tokens: Family['series'] = [];
  const cost: Family['series'] = [];
  const duration: Family['series'] = [];
  for (const model of MODELS) {
    for (const { agent, operation } of AGENT_OPS) {
      for (const status of statuses) {
        const scale = status === 'error' ? 0.25 : 1;
        const base = { model, operation, status, agent, ...IDENTITY[model] };
        let total = 0;
        for (const [tokenType, step] of Object.entries(tokenSteps)) {
          tokens.push({
            sample: 'openai_tokens_total',
            labels: { ...base, token_type: tokenType },
            step: step * scale,
          });
          total += step * scale;
        }
        tokens.push({ sample: 'openai_tokens_total', labels: { ...base, token_type: 'total' }, step: total });
        cost.push({ sample: 'openai_token_cost_total', labels: base, step: 0.5 * scale });
      }
    }
    for (const operation of ['swarm', 'run']) {
      for (const status of statuses) {
        const runs = status === 'error' ? 0.25 : 1;
        const labels = { model, operation, status, ...IDENTITY[model] };
        // Runs last between 60 and 120 seconds.
        for (const le of DURATION_BUCKETS_MS) {
          duration.push({
            sample: 'openai_request_duration_ms_bucket',
            labels: { ...labels, le: String(le) },
            step: le >= 120000 ? runs : 0,
          });
        }
        duration.push({
          sample: 'openai_request_duration_ms_bucket',
          labels: { ...labels, le: '+Inf' },
          step: runs,
        });
        duration.push({ sample: 'openai_request_duration_ms_count', labels, step: runs });
        duration.push({ sample: 'openai_request_duration_ms_sum', labels, step: runs * 90000 });
      }
    }
  }
  const ccTypes: Record<string, number> = { input: 40, output: 60, cacheRead: 900, cacheCreation: 60 };
  const out: Family[] = [
    { name: 'openai_tokens', type: 'counter', series: tokens },
    { name: 'openai_token_cost', type: 'counter', series: cost },
    { name: 'openai_request_duration_ms', type: 'histogram', series: duration },
    {
      name: 'claude_code_cost_usage_USD',
      type: 'counter',
      series: MODELS.map((model) => ({
        sample: 'claude_code_cost_usage_USD_total',
        labels: { model, team: IDENTITY[model]?.team ?? '' },
        step: 0.01,
      })),
    },
    {
      name: 'claude_code_token_usage_tokens',
      type: 'counter',
      series: MODELS.flatMap((model) =>
        Object.entries(ccTypes).map(([type, step]) => ({
          sample: 'claude_code_token_usage_tokens_total',
          labels: { model, type },
          step,
        })),
      ),
    },
    {
      name: 'claude_code_session_count',
      type: 'counter',
      series: [{ sample: 'claude_code_session_count_total', labels: {}, step: 1 }],
    },
    {
      name: 'claude_code_active_time_seconds',
      type: 'counter',
      series: [{ sample: 'claude_code_active_time_seconds_total', labels: { type: 'cli' }, step: 30 }],
    },
  ];
  if (codeActivity) {
    out.push(
      {
        name: 'claude_code_lines_of_code_count',
        type: 'counter',
        series: [
          { sample: 'claude_code_lines_of_code_count_total', labels: { type: 'added' }, step: 12 },
          { sample: 'claude_code_lines_of_code_count_total', labels: { type: 'removed' }, step: 4 },
        ],
      },
      {
        name: 'claude_code_commit_count',
        type: 'counter',
        series: [{ sample: 'claude_code_commit_count_total', labels: {}, step: 0.1 }],
      },
      {
        name: 'claude_code_pull_request_count',
        type: 'counter',
        series: [{ sample: 'claude_code_pull_request_count_total', labels: {}, step: 0.02 }],
      },
    );
  }
  return out;
}

/** Plan gauges: five_hour used rises 5% -> 85% over the data, seven_day 20% -> 40%; neither resets before `end`. */
function planFamilies(end: number, steps: number): Family[] {
  const series = (window: string, from: number, to: number) => ({
    sample: 'claude_otel_plan_used_percent',
    labels: { window },
    base: from,
    step: (to - from) / Math.max(1, steps),
  });
  const resets = (window: string, at: number) => ({
    sample: 'claude_otel_plan_resets_at_seconds',
    labels: { window },
    base: at,
    step: 0,
  });
  return [
    {
      name: 'claude_otel_plan_used_percent',
      type: 'gauge',
      series: [series('five_hour', 5, 85), series('seven_day', 20, 40)],
    },
    {
      name: 'claude_otel_plan_resets_at_seconds',
      type: 'gauge',
      series: [resets('five_hour', end + 3600), resets('seven_day', end + 3 * 86400)],
    },
  ];
}

/** The OpenMetrics text: one family after another, each series' samples in time order. */
export function contractOpenMetrics(o: SeriesOptions): string {
  const steps = Math.floor(o.spanSeconds / o.stepSeconds);
  const start = o.end - steps * o.stepSeconds;
  const lines: string[] = [];
  const plan = o.plan ? planFamilies(o.end, steps) : [];
  for (const f of [...families(o.codeActivity, o.errors), ...plan]) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) {
      const name = `${s.sample}{${labelText(s.labels)}}`;
      for (let i = 0; i <= steps; i++) {
        lines.push(`${name} ${Number(((s.base ?? 0) + s.step * i).toFixed(6))} ${start + i * o.stepSeconds}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
