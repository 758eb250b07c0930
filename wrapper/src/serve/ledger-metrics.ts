// The metric contract computed from the ledger: openai_tokens_total, openai_token_cost_total (US
// cents) and openai_request_duration_ms, with the same names, labels and buckets as the OTel path.
// Runs are folded in once each (by run id), so the totals always equal the ledger's sums. Each
// series' created time is the end of its earliest run: stable across restarts (the ledger is the
// source), and never later than a value it counts.
import { Counter, Histogram, Registry } from 'prom-client';
import type { ReportRun } from '../ledger/report-run.js';
import { modelCost } from '../report/totals.js';
import { DURATION_BUCKETS_MS } from '../usage/duration-buckets.js';
import { TOKEN_TYPES } from '../usage/tokens.js';
import { seriesKey } from './openmetrics.js';

export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly seen = new Set<string>();
  /** Created time (ms) by metric name and series key. */
  private readonly createdMs = new Map<string, Map<string, number>>();
  private readonly tokens: Counter<'model' | 'operation' | 'token_type' | 'status' | 'agent'>;
  private readonly cost: Counter<'model' | 'operation' | 'status' | 'agent'>;
  private readonly duration: Histogram<'model' | 'operation' | 'status'>;

  constructor() {
    this.tokens = new Counter({
      name: 'openai_tokens_total',
      help: 'Tokens used by Claude Code runs (prompt = uncached input, completion = output, cache_read, cache_creation, total)',
      labelNames: ['model', 'operation', 'token_type', 'status', 'agent'],
      registers: [this.registry],
    });
    this.cost = new Counter({
      name: 'openai_token_cost_total',
      help: 'Estimated cost of Claude Code runs in US cents',
      labelNames: ['model', 'operation', 'status', 'agent'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'openai_request_duration_ms',
      help: 'Wall time of one Claude Code run in milliseconds',
      labelNames: ['model', 'operation', 'status'],
      buckets: [...DURATION_BUCKETS_MS],
      registers: [this.registry],
    });
  }

  get runs(): number {
    return this.seen.size;
  }

  /** Folds a run in; a run already counted is ignored. */
  add(run: ReportRun): void {
    if (this.seen.has(run.run_id)) return;
    this.seen.add(run.run_id);
    const ended = Date.parse(run.ended_at);
    for (const [model, usage] of Object.entries(run.models)) {
      const base = { model, operation: run.operation, status: run.status };
      for (const tokenType of TOKEN_TYPES) {
        const n = usage[tokenType];
        // inc(0) still creates the series, so every label set shows all five token types.
        const labels = { ...base, agent: run.agent, token_type: tokenType };
        this.tokens.inc(labels, n);
        this.noteCreated('openai_tokens_total', labels, ended);
      }
      const costLabels = { ...base, agent: run.agent };
      this.cost.inc(costLabels, modelCost(run, model) * 100);
      this.noteCreated('openai_token_cost_total', costLabels, ended);
      this.duration.observe(base, run.duration_ms);
      this.noteCreated('openai_request_duration_ms', base, ended);
    }
  }

  /** A series' created time in ms (undefined for a series no run has touched). */
  created(metric: string, key: string): number | undefined {
    return this.createdMs.get(metric)?.get(key);
  }

  private noteCreated(metric: string, labels: Record<string, string>, ms: number): void {
    if (Number.isNaN(ms)) return;
    let byKey = this.createdMs.get(metric);
    if (!byKey) {
      byKey = new Map();
      this.createdMs.set(metric, byKey);
    }
    const key = seriesKey(labels);
    const known = byKey.get(key);
    // Only ever earlier: a later created time would read to Prometheus as a counter reset.
    if (known === undefined || ms < known) byKey.set(key, ms);
  }
}
