// Panel and dashboard helpers over Grafana's foundation SDK: every panel gets a description, a
// unit, the `$datasource` variable and thresholds from one place, so dashboards stay uniform.
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { FilterVar } from './promql.js';

/** Every panel and variable reads from the datasource the `$datasource` variable picks. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** Units Grafana formats: money, token counts (custom `count:` unit), time and ratios. */
export const UNITS = {
  usd: 'currencyUSD',
  usdPerHour: 'currencyUSD',
  tokens: 'count:tokens',
  tokensPerMin: 'count:tokens/min',
  ms: 'ms',
  seconds: 's',
  ratio: 'percentunit',
  /** 0-100 */
  percent: 'percent',
  count: 'short',
  perHour: 'count:/h',
} as const;

export interface Query {
  readonly expr: string;
  /** Grafana legend template such as `{{model}}`; a fixed text for a single series. */
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  /** What the panel shows and how to read it: healthy values and warning signs. */
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  readonly width: number;
  readonly height?: number;
  /** Panel-relative time such as `now/d` (today so far) or `7d`; sets `$__range` for that panel. */
  readonly timeFrom?: string;
  /** Steps after the base colour; a value at or above a step's `value` takes its colour. */
  readonly thresholds?: ReadonlyArray<{ value: number; color: string }>;
  /** Colour below the first threshold step: green when low is good, red when low is bad. */
  readonly baseColor?: string;
  readonly decimals?: number;
  readonly min?: number;
  readonly max?: number;
}

function thresholdsFor(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: spec.baseColor ?? 'green' }];
  for (const s of spec.thresholds ?? []) steps.push({ value: s.value, color: s.color });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

function target(q: Query, index: number, instant: boolean): prometheus.DataqueryBuilder {
  const t = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(String.fromCharCode(65 + index))
    .expr(q.expr)
    .legendFormat(q.legend)
    .editorMode(prometheus.QueryEditorMode.Code);
  return instant ? t.instant() : t.range();
}

/** Applies the options all panel kinds share; the builders have no common base type to name. */
function withCommon<
  B extends {
    title(t: string): B;
    description(d: string): B;
    unit(u: string): B;
    datasource(d: { type: string; uid: string }): B;
    span(w: number): B;
    height(h: number): B;
    timeFrom(t: string): B;
    decimals(d: number): B;
    min(m: number): B;
    max(m: number): B;
    thresholds(t: dashboard.ThresholdsConfigBuilder): B;
    withTarget(t: prometheus.DataqueryBuilder): B;
  },
>(b: B, spec: PanelSpec, instant: boolean): B {
  let p = b
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(DATASOURCE)
    .span(spec.width)
    .height(spec.height ?? 6)
    .thresholds(thresholdsFor(spec));
  if (spec.timeFrom) p = p.timeFrom(spec.timeFrom);
  if (spec.decimals !== undefined) p = p.decimals(spec.decimals);
  if (spec.min !== undefined) p = p.min(spec.min);
  if (spec.max !== undefined) p = p.max(spec.max);
  spec.queries.forEach((q, i) => {
    p = p.withTarget(target(q, i, instant));
  });
  return p;
}

/** One big number for the whole (panel) time range: instant queries, last value. */
export function statPanel(spec: PanelSpec): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return withCommon(b, spec, true);
}

/** One bar per series (e.g. per model) for the time range: instant queries. */
export function barPanel(spec: PanelSpec): bargauge.PanelBuilder {
  const b = new bargauge.PanelBuilder()
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return withCommon(b, spec, true);
}

/** A trend over the dashboard's time range: range queries, legend as a table with totals. */
export function seriesPanel(spec: PanelSpec, stacked = false): timeseries.PanelBuilder {
  let b = new timeseries.PanelBuilder()
    .lineWidth(1)
    .fillOpacity(stacked ? 30 : 10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['mean', 'max']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  if (stacked) b = b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.thresholds?.length) {
    b = b.thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  }
  return withCommon(b, spec, false);
}

const FILTER_LABELS: Record<FilterVar, string> = { model: 'Model', agent: 'Agent', operation: 'Operation' };

/** `$datasource` plus one multi-select variable per filter, listed from `metric`'s label values. */
export function variables(
  defaultDatasourceUid: string,
  metric: string,
  filters: readonly FilterVar[],
): dashboard.VariableModel[] {
  const ds = new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .current({ text: 'Prometheus', value: defaultDatasourceUid, selected: true })
    .description('The Prometheus that scrapes the claude-otel collector.')
    .build();
  const rest = filters.map((f) =>
    new dashboard.QueryVariableBuilder(f)
      .label(FILTER_LABELS[f])
      .description(`Filter every panel by ${f}; "All" also matches series without the label.`)
      .datasource(DATASOURCE)
      .query(`label_values(${metric}, ${f})`)
      .definition(`label_values(${metric}, ${f})`)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all', selected: true })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .build(),
  );
  return [ds, ...rest];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: dashboard.VariableModel[];
  readonly rows: ReadonlyArray<{
    readonly title: string;
    readonly panels: ReadonlyArray<{ build(): dashboard.Panel }>;
  }>;
  readonly timeFrom?: string;
}

/** Builds a dashboard of rows; fixed uid and tags so links and provisioning stay stable. */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['claude-otel'])
    .editable()
    .refresh('1m')
    .time({ from: spec.timeFrom ?? 'now-24h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
  // Variables go in one by one: the builder takes builders, and these are already built.
  for (const v of spec.variables) b.withVariable({ build: () => v });
  for (const row of spec.rows) {
    b.withRow(new dashboard.RowBuilder(row.title));
    for (const p of row.panels) b.withPanel(p);
  }
  const built = b.build();
  // Ids in layout order, so the JSON diff stays readable when a panel is added.
  let id = 1;
  for (const p of built.panels ?? []) p.id = id++;
  return built;
}
