import { describe, expect, it } from 'vitest';
import { endpointAddress, parseHeaders, resolveExportConfig } from '../../../src/export/config.js';

describe('resolveExportConfig', () => {
  it('defaults to localhost:4317, enabled, 2 s, live every 5 s', () => {
    expect(resolveExportConfig({})).toEqual({
      enabled: true,
      endpoint: 'http://localhost:4317',
      headers: {},
      timeoutMs: 2000,
      liveIntervalMs: 5000,
    });
  });
  it('reads the live interval: a duration, or off', () => {
    expect(resolveExportConfig({ CLAUDE_OTEL_LIVE_INTERVAL: '750ms' }).liveIntervalMs).toBe(750);
    expect(resolveExportConfig({ CLAUDE_OTEL_LIVE_INTERVAL: 'off' }).liveIntervalMs).toBe(0);
    expect(resolveExportConfig({ CLAUDE_OTEL_LIVE_INTERVAL: '0' }).liveIntervalMs).toBe(0);
    expect(() => resolveExportConfig({ CLAUDE_OTEL_LIVE_INTERVAL: 'soon' })).toThrow(/not a duration/);
  });
  it('reads the OTLP endpoint, headers and the off switch', () => {
    const c = resolveExportConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector.example:4317',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-scope-orgid=team-a',
      CLAUDE_OTEL_EXPORT: 'off',
    });
    expect(c).toMatchObject({
      enabled: false,
      endpoint: 'http://collector.example:4317',
      headers: { authorization: 'Bearer abc', 'x-scope-orgid': 'team-a' },
    });
  });
  it('refuses an unknown CLAUDE_OTEL_EXPORT value instead of treating it as on', () => {
    expect(resolveExportConfig({ CLAUDE_OTEL_EXPORT: 'on' }).enabled).toBe(true);
    expect(resolveExportConfig({ CLAUDE_OTEL_EXPORT: 'false' }).enabled).toBe(false);
    expect(() => resolveExportConfig({ CLAUDE_OTEL_EXPORT: 'maybe' })).toThrow(
      "CLAUDE_OTEL_EXPORT 'maybe' is not on or off",
    );
  });
  it('ignores malformed header parts', () => {
    expect(parseHeaders('novalue,=x,a=1')).toEqual({ a: '1' });
  });
  it('derives host and port to probe', () => {
    expect(endpointAddress('https://otel.example')).toEqual({ host: 'otel.example', port: 443, tls: true });
    expect(endpointAddress('http://[::1]:4317')).toEqual({ host: '::1', port: 4317, tls: false });
  });
});
