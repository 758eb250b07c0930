// serve's OpenMetrics encoding: Accept negotiation, counter families and samples, and one
// `_created` per series at the end of its earliest run (the same totals as the text format).
import { describe, expect, it } from 'vitest';
import { LedgerMetrics } from '../../../src/serve/ledger-metrics.js';
import { acceptsOpenMetrics, openMetricsText } from '../../../src/serve/openmetrics.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { parseProm, sumSeries } from './prom-text.js';

const runs = generateRuns(40);

async function encode(m: LedgerMetrics): Promise<string> {
  return openMetricsText(m.registry, (metric, key) => m.created(metric, key));
}

describe('OpenMetrics for serve', () => {
  it('negotiates OpenMetrics only when the Accept header asks for it', () => {
    const prometheus3 =
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,' +
      'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.2,*/*;q=0.1';
    expect(acceptsOpenMetrics(prometheus3)).toBe(true);
    expect(acceptsOpenMetrics('Application/OpenMetrics-Text; version=0.0.1')).toBe(true);
    expect(acceptsOpenMetrics('application/openmetrics-text;q=0,text/plain')).toBe(false);
    expect(acceptsOpenMetrics('text/plain;version=0.0.4')).toBe(false);
    expect(acceptsOpenMetrics('*/*')).toBe(false);
    expect(acceptsOpenMetrics(undefined)).toBe(false);
  });

  it('gives the same totals as the text format, with one _created per series at its earliest run end', async () => {
    const m = new LedgerMetrics();
    // Out of order on purpose: the created time is the earliest end, whatever the order read.
    for (const r of [...runs].reverse()) m.add(r);
    const text = await encode(m);
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE openai_tokens counter\n');
    expect(text).toContain('# TYPE openai_request_duration_ms histogram\n');
    const om = parseProm(text.replace('# EOF\n', ''));
    const prom = parseProm(await m.registry.metrics());
    for (const name of [
      'openai_tokens_total',
      'openai_token_cost_total',
      'openai_request_duration_ms_count',
    ]) {
      expect(sumSeries(om, name, {})).toBe(sumSeries(prom, name, {}));
    }
    const tokenSeries = om.filter((s) => s.name === 'openai_tokens_total');
    const created = om.filter((s) => s.name === 'openai_tokens_created');
    expect(created).toHaveLength(tokenSeries.length);
    for (const c of created) {
      const { model, operation, status, agent, token_type } = c.labels;
      // A series starts with the first run that counted something in it (as on the collector path).
      const ends = runs
        .filter(
          (r) =>
            r.operation === operation &&
            r.status === status &&
            r.agent === agent &&
            (r.models[model!]?.[token_type as 'total'] ?? 0) > 0,
        )
        .map((r) => Date.parse(r.ended_at));
      expect(c.value * 1000).toBe(Math.min(...ends));
    }
    const histogramCreated = om.filter((s) => s.name === 'openai_request_duration_ms_created');
    expect(histogramCreated).toHaveLength(
      om.filter((s) => s.name === 'openai_request_duration_ms_count').length,
    );
    // Each histogram series ends with its _created, right after its _count.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('openai_request_duration_ms_created'));
    expect(lines[at - 1]).toMatch(/^openai_request_duration_ms_count\{/);
  });

  it('a created time only ever moves earlier', async () => {
    const m = new LedgerMetrics();
    const run = runs[0]!;
    m.add(run);
    const key = (await encode(m)).match(/^openai_token_cost_created\{.*\} (\S+)$/m)![1];
    m.add({ ...run, run_id: 'later', ended_at: new Date(Date.parse(run.ended_at) + 60_000).toISOString() });
    expect((await encode(m)).match(/^openai_token_cost_created\{.*\} (\S+)$/m)![1]).toBe(key);
    m.add({ ...run, run_id: 'earlier', ended_at: new Date(Date.parse(run.ended_at) - 60_000).toISOString() });
    const earlier = (await encode(m)).match(/^openai_token_cost_created\{.*\} (\S+)$/m)![1];
    expect(Number(earlier)).toBe(Number(key) - 60);
  });
});
