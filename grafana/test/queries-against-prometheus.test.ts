// Every panel query, alert value, alert condition and recording rule runs against the real
// Prometheus 3 binary (the project's flags and prometheus.yml, rules loaded), over TSDB blocks
// made by promtool from synthetic contract series. Two data sets: a full day with errors and git
// activity, where everything must return data, and a short error-free run, where exactly
// EXPECTED_EMPTY is empty (a real short run may fill some of those; that is allowed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listAlertExpressions, listPanelQueries } from '../src/queries.js';
import {
  alertWhere,
  checkQueriesAgainst,
  EXPECTED_EMPTY,
  panelWhere,
  type QueryCheck,
  queryProblems,
} from './support/check-queries.js';
import { contractOpenMetrics, type SeriesOptions } from './support/contract-series.js';
import {
  freePort,
  type RunningPrometheus,
  startPrometheus,
  writeConfigCopy,
} from './support/prometheus-process.js';
import { toolPath } from './support/tools.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'claude-otel-queries-'));
// The last sample a minute ago: instant queries at "now" see it within the 5m lookback.
const END = Math.floor(Date.now() / 1000) - 60;

/** Blocks from promtool, then Prometheus over them with the repo's config (target rewritten). */
async function prometheusWith(name: string, series: SeriesOptions): Promise<RunningPrometheus> {
  const dir = join(work, name);
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const om = join(dir, 'series.om');
  writeFileSync(om, contractOpenMetrics(series));
  execFileSync(
    toolPath('CLAUDE_OTEL_PROMTOOL_BIN'),
    ['tsdb', 'create-blocks-from', 'openmetrics', om, data],
    {
      stdio: 'pipe',
    },
  );
  // Nothing listens on the scrape target: the data comes from the blocks alone.
  const config = writeConfigCopy(
    join(ROOT, 'prometheus/prometheus.yml'),
    dir,
    `127.0.0.1:${await freePort()}`,
  );
  return startPrometheus(toolPath('CLAUDE_OTEL_PROMETHEUS_BIN'), config, data);
}

const running: RunningPrometheus[] = [];
let full: QueryCheck[] = [];
let short: QueryCheck[] = [];
let fullUrl = '';
// A setup failure (e.g. promtool or Prometheus not built) fails every test with its message,
// rather than leaving them reported as skipped.
let setupError: unknown;
function ready(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  try {
    const day = await prometheusWith('full-day', {
      end: END,
      spanSeconds: 26 * 3600,
      stepSeconds: 120,
      codeActivity: true,
      errors: true,
      plan: true,
    });
    running.push(day);
    fullUrl = day.url;
    full = await checkQueriesAgainst(day.url, { range: '1d', rateInterval: '10m' });
    const brief = await prometheusWith('short-run', {
      end: END,
      spanSeconds: 20 * 60,
      stepSeconds: 30,
      codeActivity: false,
      errors: false,
    });
    running.push(brief);
    short = await checkQueriesAgainst(brief.url, { range: '1h', rateInterval: '2m' });
  } catch (err) {
    await Promise.all(running.map((p) => p.stop()));
    setupError = err;
  }
}, 170_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(work, { recursive: true, force: true });
});

describe('queries against a real Prometheus', () => {
  test('every panel query, alert and recording rule is checked', () => {
    ready();
    const alerts = listAlertExpressions();
    const expected = listPanelQueries().length + alerts.length + alerts.filter((a) => a.condition).length;
    expect(full.length).toBe(expected);
    // 3 dashboards' worth of panels and 9 alerts twice (Prometheus, Grafana) plus 4 recording rules.
    expect(listPanelQueries().length).toBeGreaterThanOrEqual(40);
    // ... and the team budgets: 4 alerts at two levels each, Prometheus only.
    expect(alerts.filter((a) => a.source === 'prometheus-alert')).toHaveLength(9 + 8);
    expect(alerts.filter((a) => a.source === 'grafana-alert')).toHaveLength(9);
    expect(alerts.filter((a) => a.source === 'prometheus-recording')).toHaveLength(4);
  });

  test('with a full day of data every expression parses and every value has data', () => {
    ready();
    expect(queryProblems(full)).toEqual([]);
    const empty = full.filter((r) => r.kind !== 'alert-condition' && !r.hasData).map((r) => r.where);
    expect(empty).toEqual([]);
  });

  test('after a short run only the EXPECTED_EMPTY expressions are empty', () => {
    ready();
    expect(queryProblems(short)).toEqual([]);
    const empty = new Set(
      short.filter((r) => r.kind !== 'alert-condition' && !r.hasData).map((r) => r.where),
    );
    // The list is exact for this data: nothing stale in it, nothing missing from it.
    expect([...empty].sort()).toEqual(EXPECTED_EMPTY.map((e) => e.where).sort());
  });

  test('every EXPECTED_EMPTY entry names a shipped query and gives a reason', () => {
    ready();
    const known = new Set([...listPanelQueries().map(panelWhere), ...listAlertExpressions().map(alertWhere)]);
    for (const e of EXPECTED_EMPTY) {
      expect(known.has(e.where), e.where).toBe(true);
      expect(e.reason.length).toBeGreaterThan(20);
    }
  });

  test('Prometheus loaded both rule groups from the repo', async () => {
    ready();
    const res = await fetch(`${fullUrl}/api/v1/rules`);
    const body = (await res.json()) as { data: { groups: Array<{ name: string; rules: unknown[] }> } };
    const groups = Object.fromEntries(body.data.groups.map((g) => [g.name, g.rules.length]));
    expect(groups).toEqual({
      'claude-otel.alerts': 9,
      'claude-otel.rules': 4,
      'claude-otel.team-budgets': 8,
    });
  });

  test('window totals are exact: spend over the full-day data equals the generated counters', async () => {
    ready();
    // 8 cost series (2 models x 2 agents x success/error at 0.5 and 0.125 cents a step), 720 steps in 1d.
    const q = 'sum(increase(openai_token_cost_total[1d] anchored)) / 100';
    const res = await fetch(
      `${fullUrl}/api/v1/query?${new URLSearchParams({ query: q, time: String(END) })}`,
    );
    const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
    const expected = (2 * 2 * (0.5 + 0.125) * 720) / 100;
    expect(Number(body.data.result[0]?.value[1])).toBeCloseTo(expected, 9);
  });
});
