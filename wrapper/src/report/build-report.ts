// Builds a report from runs: totals over the window, the breakdowns asked for, and optionally the
// cost analysis. Pure: the same runs and options give the same report, ready for any format.

import type { ReportRun } from '../ledger/report-run.js';
import type { PriceTable } from '../pricing/price-table.js';
import { analyzeCosts, type CostAnalysis } from './cost-analysis.js';
import { type Dimension, keyOf } from './dimensions.js';
import { addSubagentShare, type SubagentTotals, subagentShares } from './subagent-share.js';
import { addModelShare, addRun, type Totals, zeroTotals } from './totals.js';
import type { TimeWindow } from './window.js';

export const REPORT_SCHEMA_ID = 'claude-otel/report@1';

export interface BreakdownRow extends Totals {
  key: string;
  /** Subagent invocations (`subagent` breakdown only). */
  invocations?: number;
}

export interface Report {
  schema: typeof REPORT_SCHEMA_ID;
  window: { since: string; until: string };
  totals: Totals & { sessions: number };
  breakdowns: Partial<Record<Dimension, BreakdownRow[]>>;
  cost_analysis?: CostAnalysis;
  unknown_models: string[];
  warnings: string[];
}

export interface ReportOptions {
  window: TimeWindow;
  breakdown: Dimension[];
  costAnalysis: boolean;
  /** Needed for the cost analysis only. */
  table?: PriceTable;
  warnings?: string[];
}

export function buildReport(runs: ReportRun[], options: ReportOptions): Report {
  const totals = zeroTotals();
  const sessions = new Set<string>();
  const unknown = new Set<string>();
  const groups = new Map<Dimension, Map<string, Totals>>(options.breakdown.map((d) => [d, new Map()]));
  const group = (dim: Dimension, key: string) => {
    const map = groups.get(dim)!;
    let t = map.get(key);
    if (!t) {
      t = dim === 'subagent' ? ({ ...zeroTotals(), invocations: 0 } as Totals) : zeroTotals();
      map.set(key, t);
    }
    return t;
  };
  for (const run of runs) {
    addRun(totals, run);
    sessions.add(run.session_id ?? run.run_id);
    for (const m of run.unknown_models) unknown.add(m);
    for (const dim of options.breakdown) {
      if (dim === 'model') {
        for (const model of Object.keys(run.models)) addModelShare(group('model', model), run, model);
      } else if (dim === 'subagent') {
        for (const [type, share] of subagentShares(run))
          addSubagentShare(group(dim, type) as SubagentTotals, run, share);
      } else {
        addRun(group(dim, keyOf(run, dim)), run);
      }
    }
  }
  const breakdowns: Report['breakdowns'] = {};
  for (const [dim, map] of groups) breakdowns[dim] = sortRows(dim, map);
  const report: Report = {
    schema: REPORT_SCHEMA_ID,
    window: { since: options.window.since.toISOString(), until: options.window.until.toISOString() },
    totals: { ...totals, sessions: sessions.size },
    breakdowns,
    unknown_models: [...unknown].sort(),
    warnings: options.warnings ?? [],
  };
  if (options.costAnalysis && options.table) report.cost_analysis = analyzeCosts(runs, options.table);
  return report;
}

/** Days read best in order; everything else by cost, most expensive first, then by name. */
function sortRows(dim: Dimension, map: Map<string, Totals>): BreakdownRow[] {
  const rows = [...map].map(([key, t]) => ({ key, ...t }));
  if (dim === 'day') return rows.sort((a, b) => a.key.localeCompare(b.key));
  return rows.sort((a, b) => b.cost_usd - a.cost_usd || a.key.localeCompare(b.key));
}
