// OpenMetrics 1.0 text for serve's registry, with a `_created` sample per counter and histogram
// series. prom-client 15 writes OpenMetrics but never `_created`, and Prometheus needs created
// timestamps (created-timestamp-zero-ingestion) to count a new series' first value in
// `increase(...)` window totals, so this encoder reads prom-client's values and adds them.
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** True when an HTTP Accept header asks for OpenMetrics text (any version, q > 0). */
export function acceptsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The identity of a series: its labels (without `le`), in name order. */
export function seriesKey(labels: Record<string, string | number | undefined>): string {
  return Object.keys(labels)
    .filter((k) => k !== 'le')
    .sort()
    .map((k) => `${k}=${String(labels[k])}`)
    .join('\u0000');
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function labelText(labels: Record<string, string | number | undefined>): string {
  const parts = Object.entries(labels)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/**
 * Encodes every counter and histogram of the registry. `created` gives a series' created time in
 * ms by metric name and seriesKey; a series without one gets no `_created` sample.
 */
export async function openMetricsText(
  registry: Registry,
  created: (metric: string, key: string) => number | undefined,
): Promise<string> {
  const lines: string[] = [];
  for (const metric of (await registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[]) {
    const type = String(metric.type);
    // OpenMetrics names a counter family without its _total suffix; its samples carry it.
    const family = type === 'counter' ? metric.name.replace(/_total$/, '') : metric.name;
    lines.push(`# TYPE ${family} ${type}`, `# HELP ${family} ${escapeHelp(metric.help)}`);
    const createdDone = new Set<string>();
    const withCreated = (labels: Record<string, string | number | undefined>) => {
      const key = seriesKey(labels);
      const ms = created(metric.name, key);
      if (ms === undefined || createdDone.has(key)) return;
      createdDone.add(key);
      const own = Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'le'));
      lines.push(`${family}_created${labelText(own)} ${(ms / 1000).toFixed(3)}`);
    };
    for (const v of metric.values) {
      const labels = v.labels as Record<string, string | number | undefined>;
      const name =
        (v as { metricName?: string }).metricName ?? (type === 'counter' ? `${family}_total` : family);
      lines.push(`${name}${labelText(labels)} ${number(v.value)}`);
      if (type === 'counter') withCreated(labels);
      // A histogram's _created follows its _count, the last sample prom-client lists per series.
      else if (type === 'histogram' && name.endsWith('_count')) withCreated(labels);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}
