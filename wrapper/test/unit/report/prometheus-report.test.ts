// The Prometheus-source report's pure core over canned query answers: which PromQL it asks,
// how answers become totals and rows, days clipped to the window, and its one-line errors.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { registerReport } from '../../../src/cli/report.js';
import { parsePrometheusUrl } from '../../../src/report/prometheus-api.js';
import { buildPrometheusReport, daySlices, type PromSample } from '../../../src/report/prometheus-report.js';
import { parsePromqlChoice, windowIncrease } from '../../../src/report/promql.js';
import { renderReport } from '../../../src/report/render.js';
import { runCommand } from '../gate/run-command.js';

const SCHEMA = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/report.schema.json');

const since = new Date('2026-11-25T10:00:00Z');
const until = new Date('2026-11-26T12:00:00Z');
const now = Date.parse('2026-11-26T11:00:00Z');

/** Answers by metric and grouping, recording every query. */
function fake(asked: { expr: string; at: number }[]) {
  return async (expr: string, at: number): Promise<PromSample[]> => {
    asked.push({ expr, at });
    const byTeam = expr.includes('by (team');
    if (expr.includes('openai_tokens_total')) {
      return byTeam
        ? [
            { labels: { team: 'platform', token_type: 'total' }, value: 100 },
            { labels: { token_type: 'total' }, value: 5 },
          ]
        : [
            { labels: { token_type: 'prompt' }, value: 40 },
            { labels: { token_type: 'total' }, value: 105.0000001 },
          ];
    }
    if (expr.includes('openai_token_cost_total')) {
      return byTeam ? [{ labels: { team: 'platform' }, value: 150 }] : [{ labels: {}, value: 151 }];
    }
    return byTeam
      ? [{ labels: { team: 'platform', status: 'success' }, value: 3 }]
      : [
          { labels: { status: 'success' }, value: 3 },
          { labels: { status: 'error' }, value: 1 },
        ];
  };
}

describe('report from Prometheus', () => {
  it('asks exact window totals at the window end (clipped to now) and sums them like the ledger report', async () => {
    const asked: { expr: string; at: number }[] = [];
    const r = await buildPrometheusReport(fake(asked), {
      window: { since, until },
      breakdown: ['team'],
      url: 'http://p',
      now,
    });
    const range = now - since.getTime();
    expect(asked.map((a) => a.expr)).toContain(
      `sum by (token_type) (increase(openai_tokens_total[${range}ms] anchored))`,
    );
    expect(asked.map((a) => a.expr)).toContain(
      `sum by (team, status) (increase(openai_request_duration_ms_count[${range}ms] anchored))`,
    );
    expect(new Set(asked.map((a) => a.at))).toEqual(new Set([now]));
    expect(r.totals).toMatchObject({ runs: 4, errors: 1, cost_usd: 1.51, sessions: 0 });
    expect(r.totals.tokens).toMatchObject({ prompt: 40, total: 105 });
    // A series without the label is `(none)`, as in the ledger report; rows by cost.
    expect(r.breakdowns.team?.map((row) => [row.key, row.runs, row.cost_usd, row.tokens.total])).toEqual([
      ['platform', 3, 1.5, 100],
      ['(none)', 0, 0, 5],
    ]);
    expect(r.warnings[0]).toMatch(/turns, sessions/);
    // The ledger report's JSON shape, team rows included.
    const validate = new Ajv({ allErrors: true, validateFormats: false }).compile(
      JSON.parse(fs.readFileSync(SCHEMA, 'utf8')),
    );
    expect(validate(JSON.parse(renderReport(r, 'json'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('cuts the window into local days, the last one ending now', () => {
    const days = daySlices({ since, until }, now);
    expect(days.map((d) => [d.slice.atMs - d.slice.rangeMs, d.slice.atMs])).toEqual([
      [since.getTime(), Date.parse('2026-11-26T00:00:00Z') - 1],
      [Date.parse('2026-11-26T00:00:00Z'), now],
    ]);
  });

  it('fails in one line on no data, unsupported breakdowns and bad URLs', async () => {
    const empty = async () => [];
    await expect(
      buildPrometheusReport(empty, { window: { since, until }, breakdown: [], url: 'http://p', now }),
    ).rejects.toThrow(/^no claude-otel data in Prometheus at http:\/\/p for /);
    await expect(
      buildPrometheusReport(fake([]), {
        window: { since, until },
        breakdown: ['branch'],
        url: 'http://p',
        now,
      }),
    ).rejects.toMatchObject({ exitCode: 2, message: '--source prometheus cannot break down by branch' });
    expect(() => parsePrometheusUrl(undefined)).toThrow('--source prometheus needs --url');
    // host:port, as setup --endpoint takes it.
    expect(parsePrometheusUrl('localhost:9090').toString()).toBe('http://localhost:9090/');
    // The URL parser would drop the newline (http://ab): refused, escaped in one line.
    expect(() => parsePrometheusUrl('http://a\nb')).toThrow("--url 'http://a\\nb' is not an http(s) URL");
    expect(() => parsePrometheusUrl('ftp://x')).toThrow("--url 'ftp://x' is not an http(s) URL");
    expect(parsePrometheusUrl('http://thanos:10902/').host).toBe('thanos:10902');
    // Without --url, the variable doctor reads; --url wins over it; a bad one is named.
    const env = { CLAUDE_OTEL_PROMETHEUS_URL: 'http://127.0.0.1:9999' };
    expect(parsePrometheusUrl(undefined, env).toString()).toBe('http://127.0.0.1:9999/');
    expect(parsePrometheusUrl('thanos:10902', env).host).toBe('thanos:10902');
    expect(() => parsePrometheusUrl(undefined, { CLAUDE_OTEL_PROMETHEUS_URL: 'ftp://x' })).toThrow(
      "CLAUDE_OTEL_PROMETHEUS_URL 'ftp://x' is not an http(s) URL",
    );
    expect(() => parsePrometheusUrl(undefined, { CLAUDE_OTEL_PROMETHEUS_URL: ' ' })).toThrow(
      '--source prometheus needs --url or CLAUDE_OTEL_PROMETHEUS_URL',
    );
  });

  it('auto: one anchored request set on Prometheus; on an engine that cannot parse anchored, xincrease', async () => {
    const THANOS = '1:14: parse error: anchored modifier is experimental and not enabled';
    /** An engine that refuses one form with `reason`, as prometheus-api.ts reports a refusal. */
    const engine = (refuses: RegExp, reason: string, asked: string[]) => {
      const inner = fake([]);
      return async (expr: string, at: number) => {
        asked.push(expr);
        if (refuses.test(expr)) throw Object.assign(new Error(`refused: ${reason}`), { reason });
        return inner(expr, at);
      };
    };
    const opts = {
      window: { since, until },
      breakdown: ['team' as const, 'day' as const],
      url: 'http://p',
      now,
    };
    const onProm: string[] = [];
    const p = await buildPrometheusReport(engine(/xincrease/, 'unknown function', onProm), opts);
    expect(onProm.every((e) => e.includes('] anchored)'))).toBe(true);
    const onThanos: string[] = [];
    const t = await buildPrometheusReport(engine(/anchored/, THANOS, onThanos), opts);
    // The three whole-window queries were refused once; everything after asks xincrease.
    expect(onThanos.filter((e) => e.includes('anchored'))).toHaveLength(3);
    expect(onThanos.slice(3).every((e) => e.startsWith('sum') && e.includes('(xincrease(openai_'))).toBe(
      true,
    );
    expect(t).toEqual(p);
    // An explicit form is used as given: no fallback, the refusal is the error.
    await expect(
      buildPrometheusReport(engine(/anchored/, THANOS, []), { ...opts, promql: 'anchored' }),
    ).rejects.toThrow(/anchored modifier/);
    const explicit: string[] = [];
    await buildPrometheusReport(engine(/anchored/, THANOS, explicit), { ...opts, promql: 'xincrease' });
    expect(explicit.some((e) => e.includes('anchored'))).toBe(false);
    // A refusal for another reason is not retried; neither form parsing reports the first refusal.
    const other: string[] = [];
    await expect(buildPrometheusReport(engine(/./, 'bad_data: out of bounds', other), opts)).rejects.toThrow(
      /out of bounds/,
    );
    expect(other).toHaveLength(3);
    await expect(
      buildPrometheusReport(async (expr) => {
        const reason = expr.includes('anchored') ? THANOS : 'unknown function with name "xincrease"';
        throw Object.assign(new Error(reason), { reason });
      }, opts),
    ).rejects.toThrow(/anchored modifier/);
  });

  it('parses --promql and spells each flavour', () => {
    expect(parsePromqlChoice(undefined)).toBe('auto');
    expect(parsePromqlChoice('xincrease')).toBe('xincrease');
    expect(() => parsePromqlChoice('rate')).toThrow(
      "--promql 'rate' is not one of auto, anchored, xincrease",
    );
    expect(windowIncrease('x{a="b"}', '1d')).toBe('increase(x{a="b"}[1d] anchored)');
    expect(windowIncrease('x{a="b"}', '1d', 'xincrease')).toBe('xincrease(x{a="b"}[1d])');
  });
});

describe('report --source prometheus without --url', () => {
  it('asks CLAUDE_OTEL_PROMETHEUS_URL (as doctor does); with neither, one line naming both', async () => {
    // Port 1 refuses at once: the error names the URL the report asked.
    const viaEnv = await runCommand(registerReport, ['report', '--source', 'prometheus'], {
      CLAUDE_OTEL_PROMETHEUS_URL: 'http://127.0.0.1:1',
    });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toMatch(/^claude-otel: cannot reach Prometheus at http:\/\/127\.0\.0\.1:1: /);
    const neither = await runCommand(registerReport, ['report', '--source', 'prometheus'], {});
    expect(neither.code).toBe(2);
    expect(neither.stderr.trim().split('\n')).toEqual([
      'claude-otel: --source prometheus needs --url or CLAUDE_OTEL_PROMETHEUS_URL (give the base URL of Prometheus or Thanos query, e.g. http://localhost:9090)',
    ]);
  });
});
