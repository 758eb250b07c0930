// Every PromQL expression the project ships, read from the committed files (dashboards, Prometheus
// rules, Grafana alert provisioning), and Grafana's variable substitution, so end-to-end tests
// can run exactly what users will run against a real Prometheus.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface PanelQuery {
  /** Dashboard title. */
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

export type AlertSource = 'prometheus-alert' | 'prometheus-recording' | 'grafana-alert';

export interface AlertExpression {
  readonly source: AlertSource;
  /** Alert name, recording rule name, or Grafana rule title. */
  readonly name: string;
  /** The value an alert compares (or a recording rule's expression): it returns data when there is traffic. */
  readonly expr: string;
  /** The full Prometheus alert expression with its comparison; empty unless firing, so checked for parsing only. */
  readonly condition?: string;
}

interface JsonPanel {
  type: string;
  title?: string;
  targets?: Array<{ expr?: string; refId?: string }>;
  panels?: JsonPanel[];
}

function panelsOf(panels: JsonPanel[]): JsonPanel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

/** Every target of every panel of every committed dashboard in `folder` (default `grafana/dashboards`). */
export function listPanelQueries(root = ROOT, folder = 'grafana/dashboards'): PanelQuery[] {
  const dir = join(root, folder);
  const out: PanelQuery[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const d = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { title: string; panels: JsonPanel[] };
    for (const p of panelsOf(d.panels)) {
      for (const t of p.targets ?? []) {
        if (t.expr)
          out.push({ dashboard: d.title, panel: p.title ?? '', refId: t.refId ?? '', expr: t.expr });
      }
    }
  }
  return out;
}

interface PromRuleFile {
  groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}
interface GrafanaRuleFile {
  groups: Array<{
    rules: Array<{ title: string; data: Array<{ refId: string; model: { expr?: string } }> }>;
  }>;
}

/**
 * Every alert and recording rule: Prometheus alerts contribute the value they compare (and the
 * full condition), Grafana-managed rules their query A, recording rules their expression.
 */
export function listAlertExpressions(root = ROOT): AlertExpression[] {
  const out: AlertExpression[] = [];
  const rulesDir = join(root, 'prometheus/rules');
  for (const file of readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const doc = parse(readFileSync(join(rulesDir, file), 'utf8')) as PromRuleFile;
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      if (rule.record) out.push({ source: 'prometheus-recording', name: rule.record, expr: rule.expr });
      if (rule.alert) {
        out.push({
          source: 'prometheus-alert',
          name: rule.alert,
          expr: alertValue(rule.expr),
          condition: rule.expr,
        });
      }
    }
  }
  const grafana = parse(
    readFileSync(join(root, 'grafana/provisioning/alerting/alert-rules.yaml'), 'utf8'),
  ) as GrafanaRuleFile;
  for (const rule of grafana.groups.flatMap((g) => g.rules)) {
    const a = rule.data.find((d) => d.refId === 'A')?.model.expr;
    if (!a) throw new Error(`Grafana alert rule '${rule.title}' has no query A`);
    out.push({ source: 'grafana-alert', name: rule.title, expr: a });
  }
  return out;
}

/** `(value) > 10` → `value`: the generator always writes alert conditions in that shape. */
export function alertValue(condition: string): string {
  const m = /^\((.*)\) [<>] [0-9.e+-]+$/s.exec(condition.trim());
  if (!m?.[1]) throw new Error(`alert expression not of the form '(value) > threshold': ${condition}`);
  return m[1];
}

export interface VariableValues {
  /** A Prometheus duration such as `6h`, as `$__range` would be for the dashboard's time range. */
  readonly range: string;
  readonly rateInterval: string;
  /** Regexes, as Grafana writes multi-value and "All" selections; `.*` is "All". */
  readonly model: string;
  readonly agent: string;
  readonly operation: string;
  /** Datasource uid; only matters where an expression names `$datasource`. */
  readonly datasource: string;
}

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Seconds in a Prometheus duration such as `1h30m`. */
export function durationSeconds(d: string): number {
  const parts = [...d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) {
    throw new TypeError(`not a Prometheus duration: '${d}'`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] ?? ''] ?? 0), 0);
}

/** Replaces Grafana's variables the way Grafana does before a query reaches Prometheus. */
export function substituteVariables(expr: string, v: VariableValues): string {
  const named: Record<string, string> = {
    __range_s: String(durationSeconds(v.range)),
    __range_ms: String(durationSeconds(v.range) * 1000),
    __range: v.range,
    __rate_interval: v.rateInterval,
    __interval: v.rateInterval,
    model: v.model,
    agent: v.agent,
    operation: v.operation,
    datasource: v.datasource,
  };
  // `\w+` is greedy, so `$__range_s` is one name, not `$__range` followed by `_s`.
  return expr.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = named[name];
      if (value === undefined) throw new TypeError(`unknown variable '${whole}' in: ${expr}`);
      return value;
    },
  );
}
