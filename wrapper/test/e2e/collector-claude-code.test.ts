// Claude Code's own telemetry through the repo's collector config: the real `claude` CLI (against
// the scripted Messages API) exports claude_code.* metrics and events to the collector; Prometheus
// gets them without session or user labels, and the config validates as written.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorConfigPath } from '../../src/stack/collector-env.js';
import { makeSandbox, runClaude, type Sandbox } from '../support/cli.js';
import { startCollector, type TestCollector, validateCollectorConfig } from '../support/collector.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { settle, waitFor } from '../support/wait-for.js';

let collector: TestCollector;
let prom: TestPrometheus;
let api: ScriptedApi;
let sandbox: Sandbox;

beforeAll(async () => {
  collector = await startCollector();
  prom = await startPrometheus(collector.metricsTarget, 500);
  api = await startScriptedApi();
});
afterAll(async () => {
  await api?.close();
  await prom?.stop();
  await collector?.close();
  sandbox?.cleanup();
});

describe('the collector config', () => {
  it('validates with its defaults and with the test environment', () => {
    const plain = validateCollectorConfig([collectorConfigPath()]);
    expect(plain.status, plain.stderr).toBe(0);
    const broken = validateCollectorConfig([collectorConfigPath()], {
      CLAUDE_OTEL_TRACES_EXPORTERS: '[no_such_exporter]',
    });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('no_such_exporter');
  });
});

describe("Claude Code's own telemetry", () => {
  it('claude_code_* series arrive without session or user labels; events reach the logs pipeline', async () => {
    sandbox = makeSandbox(api.url, {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_LOGS_EXPORT_INTERVAL: '1000',
      // Session ids are left ON here: the collector itself must keep them off Prometheus.
    });
    const { code, stdout } = await runClaude(
      [
        '-p',
        'say hi [[scenario:tools turns=2 in=100 out=50 cr=10 cc=5]]',
        '--output-format',
        'json',
        '--model',
        'claude-sonnet-4-5',
      ],
      sandbox,
    );
    expect(code).toBe(0);
    // Exactly what Claude Code itself reported for the run (all models, side calls included).
    const result = JSON.parse(stdout) as {
      modelUsage: Record<string, { inputTokens: number; outputTokens: number }>;
    };
    const usage = Object.values(result.modelUsage);
    const expected = {
      input: usage.reduce((s, u) => s + u.inputTokens, 0),
      output: usage.reduce((s, u) => s + u.outputTokens, 0),
    };
    // Claude Code exports every second and flushes at exit: wait until the last of it has been
    // scraped (a series can show up with an earlier, partial delta).
    let byType: Record<string, number> = {};
    await settle(
      async () => {
        const tokens = await prom.query('sum by (type) (claude_code_token_usage_tokens_total)');
        byType = Object.fromEntries(tokens.map((s) => [s.labels.type, s.value]));
        return byType.input === expected.input && byType.output === expected.output;
      },
      { timeoutMs: 30_000 },
    );
    expect(byType.input).toBe(expected.input);
    expect(byType.output).toBe(expected.output);
    const series = await prom.query('{__name__=~"claude_code_.+"}');
    const labelNames = new Set(series.flatMap((s) => Object.keys(s.labels)));
    for (const forbidden of ['session_id', 'user_id', 'user_email', 'user_account_uuid', 'organization_id']) {
      expect(labelNames.has(forbidden), `label ${forbidden} on ${[...labelNames].join(',')}`).toBe(false);
    }
    await waitFor(
      () =>
        fs.existsSync(collector.logsFile) &&
        fs.readFileSync(collector.logsFile, 'utf8').includes('claude_code.api_request'),
      {
        what: 'claude_code.api_request events in the logs file',
        timeoutMs: 15_000,
      },
    );
  });
});
