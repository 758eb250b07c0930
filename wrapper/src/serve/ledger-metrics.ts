// The metric contract computed from the ledger: openai_tokens_total, openai_token_cost_total (US
// cents) and openai_request_duration_ms, with the same names, labels and buckets as the OTel path.
// Runs are folded in once each (by run id), so the totals always equal the ledger's sums.
import { Counter, Histogram, Registry } from 'prom-client';
import type { ReportRun } from '../report/load-runs.js';
import { modelCost } from '../report/totals.js';
import { DURATION_BUCKETS_MS } from '../usage/duration-buckets.js';
import { TOKEN_TYPES } from '../usage/tokens.js';

export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly seen = new Set<string>();
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
    for (const [model, usage] of Object.entries(run.models)) {
      const base = { model, operation: run.operation, status: run.status };
      for (const tokenType of TOKEN_TYPES) {
        const n = usage[tokenType];
        // inc(0) still creates the series, so every label set shows all five token types.
        this.tokens.inc({ ...base, agent: run.agent, token_type: tokenType }, n);
      }
      this.cost.inc({ ...base, agent: run.agent }, modelCost(run, model) * 100);
      this.duration.observe(base, run.duration_ms);
    }
  }
}
