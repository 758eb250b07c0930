// The environment Claude Code runs with: telemetry switched on with delta temporality and no
// per-session metric ids, the user's own settings winning, prompts only with --store-prompts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OTLP_ENDPOINT } from '../../../src/export/config.js';
import { claudeEnv, telemetryDefaults } from '../../../src/run/telemetry-env.js';

describe('claudeEnv', () => {
  it('switches telemetry on with the pipeline settings claude-otel relies on', () => {
    const env = claudeEnv({ PATH: '/bin' }, { storePrompts: false });
    expect(env).toEqual({
      PATH: '/bin',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: DEFAULT_OTLP_ENDPOINT,
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
      OTEL_METRICS_INCLUDE_SESSION_ID: 'false',
      OTEL_METRICS_INCLUDE_ACCOUNT_UUID: 'false',
      CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS: '1000',
    });
    expect(DEFAULT_OTLP_ENDPOINT).toBe('http://localhost:4317');
  });

  it("passes a team-mode identity as OTEL_RESOURCE_ATTRIBUTES, keeping the user's other attributes", () => {
    const env = claudeEnv(
      { OTEL_RESOURCE_ATTRIBUTES: 'dept=eng' },
      { storePrompts: false, identity: { team: 'platform', user: 'u-1', project: 'acme/rocket' } },
    );
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe('dept=eng,team=platform,user=u-1,project=acme%2Frocket');
    expect(claudeEnv({}, { storePrompts: false, identity: null }).OTEL_RESOURCE_ATTRIBUTES).toBeUndefined();
  });

  it("keeps the user's own values, and fills in ones they left empty", () => {
    const base = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.internal:4317',
      OTEL_METRICS_EXPORTER: 'console',
      OTEL_METRICS_INCLUDE_SESSION_ID: 'true',
      OTEL_LOGS_EXPORTER: '',
    };
    const env = claudeEnv(base, { storePrompts: false });
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector.internal:4317');
    expect(env.OTEL_METRICS_EXPORTER).toBe('console');
    expect(env.OTEL_METRICS_INCLUDE_SESSION_ID).toBe('true');
    expect(env.OTEL_LOGS_EXPORTER).toBe('otlp');
    expect(base.OTEL_LOGS_EXPORTER).toBe('');
  });

  it("bounds Claude Code's own exporter flush at exit by half the export bound, unless the user set it", () => {
    expect(claudeEnv({ CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '500' }, { storePrompts: false })).toMatchObject({
      CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS: '250',
    });
    const own = { CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS: '5000' };
    expect(claudeEnv(own, { storePrompts: false }).CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS).toBe('5000');
  });

  it('logs prompts only with storePrompts', () => {
    expect(claudeEnv({}, { storePrompts: false })).not.toHaveProperty('OTEL_LOG_USER_PROMPTS');
    expect(telemetryDefaults({ storePrompts: false })).not.toHaveProperty('OTEL_LOG_USER_PROMPTS');
    expect(claudeEnv({}, { storePrompts: true }).OTEL_LOG_USER_PROMPTS).toBe('1');
    // A user who turned it off keeps it off.
    expect(claudeEnv({ OTEL_LOG_USER_PROMPTS: '0' }, { storePrompts: true }).OTEL_LOG_USER_PROMPTS).toBe('0');
  });

  it("passes the run's trace context unless the user has one", () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(claudeEnv({}, { storePrompts: false, traceparent: tp }).TRACEPARENT).toBe(tp);
    expect(claudeEnv({ TRACEPARENT: 'mine' }, { storePrompts: false, traceparent: tp }).TRACEPARENT).toBe(
      'mine',
    );
    expect(claudeEnv({}, { storePrompts: false })).not.toHaveProperty('TRACEPARENT');
  });

  it("tells claude-otel's session hook that the wrapper records this session (its run id)", () => {
    expect(claudeEnv({}, { storePrompts: false, runId: 'run-9' }).CLAUDE_OTEL_WRAPPED).toBe('run-9');
    // A wrapped run inside a wrapped session's tool gets its own id, not the outer one.
    expect(
      claudeEnv({ CLAUDE_OTEL_WRAPPED: 'outer' }, { storePrompts: false, runId: 'inner' })
        .CLAUDE_OTEL_WRAPPED,
    ).toBe('inner');
  });
});
