// The metric contract computed from the ledger for `serve`: the points come from
// export/metric-points.ts (the exporter's own mapping), only aggregated here with prom-client, so
// serve and the collector path show the same series and values. Runs are folded in once each (by
// run id), so the totals always equal the ledger's sums. Each series' created time is the end of
// its earliest run: stable across restarts (the ledger is the source), never later than a value
// it counts.
import { Counter, Histogram, Registry } from 'prom-client';
import {
  IDENTITY_LABELS,
  type MetricRun,
  type Point,
  PROMETHEUS_SERIES,
  runPoints,
} from '../export/metric-points.js';
import { DURATION_BUCKETS_MS } from '../usage/duration-buckets.js';
import { seriesKey } from './openmetrics.js';

/** What serve reads of a run: the contract's fields, its id and when it ended. */
export type ServedRun = MetricRun & { run_id: string; ended_at: string };

type Labels = Record<string, string>;

export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly seen = new Set<string>();
  /** Created time (ms) by metric name and series key. */
  private readonly createdMs = new Map<string, Map<string, number>>();
  private readonly tokens: Counter;
  private readonly cost: Counter;
  private readonly duration: Histogram;

  constructor() {
    const { tokens, cost, duration } = PROMETHEUS_SERIES;
    this.tokens = new Counter({ ...this.spec(tokens), registers: [this.registry] });
    this.cost = new Counter({ ...this.spec(cost), registers: [this.registry] });
    this.duration = new Histogram({
      ...this.spec(duration),
      buckets: [...DURATION_BUCKETS_MS],
      registers: [this.registry],
    });
  }

  get runs(): number {
    return this.seen.size;
  }

  /** Folds a run in; a run already counted is ignored. */
  add(run: ServedRun): void {
    if (this.seen.has(run.run_id)) return;
    this.seen.add(run.run_id);
    const ended = Date.parse(run.ended_at);
    const points = runPoints(run);
    const each = (name: string, list: Point[], apply: (labels: Labels, value: number) => void) => {
      for (const p of list) {
        apply(p.labels, p.value);
        this.noteCreated(name, p.labels, ended);
      }
    };
    each(PROMETHEUS_SERIES.tokens.name, points.tokens, (l, v) => this.tokens.inc(l, v));
    each(PROMETHEUS_SERIES.cost.name, points.cost, (l, v) => this.cost.inc(l, v));
    each(PROMETHEUS_SERIES.duration.name, points.duration, (l, v) => this.duration.observe(l, v));
  }

  /** A series' created time in ms (undefined for a series no run has touched). */
  created(metric: string, key: string): number | undefined {
    return this.createdMs.get(metric)?.get(key);
  }

  private spec(s: { name: string; help: string; labels: readonly string[] }) {
    return { name: s.name, help: s.help, labelNames: [...s.labels, ...IDENTITY_LABELS] };
  }

  private noteCreated(metric: string, labels: Labels, ms: number): void {
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
