// Plan windows as data: the status line keeps a subscriber's rate_limits readings, `claude-otel
// sync` sends the queued ones through the real collector, and Prometheus shows them under the
// exact names claude_otel_plan_used_percent{window} and claude_otel_plan_resets_at_seconds{window}.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { waitFor } from '../support/wait-for.js';

const SUBSCRIBER = path.resolve(__dirname, '../fixtures/statusline/subscriber.json');

let collector: TestCollector;
let prom: TestPrometheus;
let s: Sandbox;
beforeAll(async () => {
  collector = await startCollector();
  prom = await startPrometheus(collector.metricsTarget, 500);
  s = makeSandbox('http://127.0.0.1:9', { OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint });
});
afterAll(async () => {
  await prom?.stop();
  await collector?.close();
  s?.cleanup();
});

function render(payload: unknown): string {
  const r = spawnSync(process.execPath, [CLI, 'statusline'], {
    input: JSON.stringify(payload),
    env: s.env,
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('plan gauges', () => {
  it('reach Prometheus with the exact names, the latest reading per window', async () => {
    const payload = JSON.parse(fs.readFileSync(SUBSCRIBER, 'utf8'));
    render(payload);
    render(payload); // the same reading again: kept once
    payload.rate_limits.five_hour.used_percentage = 41;
    expect(render(payload)).toContain('5h 41%');
    const kept = fs
      .readFileSync(path.join(s.otelHome, 'plan', 'observations.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(kept).toHaveLength(3);

    const sync = await runCli(['sync', '--timeout', '20'], s);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).not.toContain('plan gauges not sent');
    expect(fs.existsSync(path.join(s.otelHome, 'plan', 'unsent'))).toBe(false);

    const series = await waitFor(
      async () => {
        const r = await prom.query('{__name__=~"claude_otel_plan.*"}');
        return r.length === 4 ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'the plan gauges in Prometheus' },
    );
    const byName = Object.fromEntries(
      series.map((x) => [`${x.labels.__name__}{${x.labels.window}}`, x.value]),
    );
    expect(byName).toEqual({
      'claude_otel_plan_used_percent{five_hour}': 41,
      'claude_otel_plan_used_percent{seven_day}': 12,
      'claude_otel_plan_resets_at_seconds{five_hour}': 1795712400,
      'claude_otel_plan_resets_at_seconds{seven_day}': 1796169600,
    });
  });
});
