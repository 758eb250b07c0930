// Option value parsers: good values parsed exactly, bad ones rejected with a one-line usage error
// (exit code 2) that quotes the value.
import { describe, expect, it } from 'vitest';
import {
  MAX_TIMER_MS,
  parseDuration,
  parseHttpUrl,
  parseLabel,
  parseNameList,
  parsePort,
  parsePositiveInt,
  parseSwitch,
  parseTimerMs,
  parseUsd,
  parseWholeNumber,
} from '../../../src/config/options.js';
import { ClaudeOtelError, EXIT } from '../../../src/errors.js';
import { DEFAULT_OTLP_ENDPOINT, resolveExportConfig } from '../../../src/export/config.js';

function usageErrorOf(fn: () => unknown): ClaudeOtelError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClaudeOtelError);
    expect((e as ClaudeOtelError).exitCode).toBe(EXIT.usage);
    expect((e as ClaudeOtelError).toLine()).not.toContain('\n');
    return e as ClaudeOtelError;
  }
  throw new Error('expected a usage error');
}

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['1500ms', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    [' 2m ', 120_000],
    ['0.5ms', 1],
  ])('%j → %d ms', (value, ms) => {
    expect(parseDuration(value, '--timeout')).toBe(ms);
  });

  it.each([
    '',
    'soon',
    '5 m',
    '-5s',
    '-1',
    'abc',
    '1e400',
    '5d',
    '1e3',
    's',
    '0',
    '0s',
    '0.4ms',
    `${'9'.repeat(400)}h`,
  ])('%j is rejected', (value) => {
    const e = usageErrorOf(() => parseDuration(value, '--timeout'));
    expect(e.message).toContain(`--timeout '${value}'`);
  });
});

describe('values one Node timer arms (past 2^31-1 ms it fires after 1 ms)', () => {
  it('parseDuration with maxMs rejects a longer value, naming the maximum; without it (stepped) accepts it', () => {
    expect(parseDuration('596h', '--live-interval', { maxMs: MAX_TIMER_MS })).toBe(2_145_600_000);
    expect(parseDuration(`${MAX_TIMER_MS}ms`, '--interval', { maxMs: MAX_TIMER_MS })).toBe(MAX_TIMER_MS);
    const e = usageErrorOf(() => parseDuration('600h', '--live-interval', { maxMs: MAX_TIMER_MS }));
    expect(e.message).toBe("--live-interval '600h' is too long: at most 2147483647ms (24.8 days)");
    expect(parseDuration('600h', '--timeout')).toBe(2_160_000_000);
  });

  it('parseTimerMs takes whole milliseconds up to 2^31-1', () => {
    expect(parseTimerMs('2000', 'CLAUDE_OTEL_EXPORT_TIMEOUT_MS')).toBe(2000);
    expect(parseTimerMs(String(MAX_TIMER_MS), 'CLAUDE_OTEL_EXPORT_TIMEOUT_MS')).toBe(MAX_TIMER_MS);
    const e = usageErrorOf(() => parseTimerMs('99999999999', 'CLAUDE_OTEL_EXPORT_TIMEOUT_MS'));
    expect(e.message).toBe(
      "CLAUDE_OTEL_EXPORT_TIMEOUT_MS '99999999999' is too long: at most 2147483647ms (24.8 days)",
    );
    expect(usageErrorOf(() => parseTimerMs('0', 'X')).message).toBe("X '0' is not a positive whole number");
  });

  it('a duration that rounds to 0 ms says so', () => {
    const e = usageErrorOf(() => parseDuration('0.1ms', '--timeout'));
    expect(e.message).toBe("--timeout '0.1ms' rounds to 0 ms");
    expect(e.hint).toBe('use at least 1ms');
    expect(usageErrorOf(() => parseDuration('0s', '--timeout')).message).toBe(
      "--timeout '0s' must be greater than zero",
    );
  });
});

describe('parsePositiveInt', () => {
  it.each([
    ['1', 1],
    ['16', 16],
    [' 3 ', 3],
    ['007', 7],
  ])('%j → %d', (value, n) => {
    expect(parsePositiveInt(value, '--parallel')).toBe(n);
  });

  it.each(['0', '-1', '1.5', '2.0', 'many', '', '1e2', '0x10', '9007199254740993'])(
    '%j is rejected',
    (value) => {
      const e = usageErrorOf(() => parsePositiveInt(value, '--parallel'));
      expect(e.message).toBe(`--parallel '${value}' is not a positive whole number`);
    },
  );
});

describe('parseUsd', () => {
  it.each([
    ['5', 5],
    ['0.50', 0.5],
    ['$2.25', 2.25],
    ['0', 0],
    [' 10 ', 10],
    ['.5', 0.5],
  ])('%j → %d', (value, usd) => {
    expect(parseUsd(value, '--budget-usd')).toBe(usd);
  });

  it.each(['', ' ', '$', '-1', 'five', 'Infinity', 'NaN', '$-3', '0x10', '1e3', '0b1', '5.', '1,5'])(
    '%j is rejected',
    (value) => {
      const e = usageErrorOf(() => parseUsd(value, '--budget-usd'));
      expect(e.message).toBe(`--budget-usd '${value}' is not an amount in US dollars`);
      expect(e.hint).toBe('use e.g. 5 or 0.50');
    },
  );
});

describe('parseNameList', () => {
  it('splits and trims', () => {
    expect(parseNameList('planner, coder,reviewer', '--agent-names')).toEqual([
      'planner',
      'coder',
      'reviewer',
    ]);
    expect(parseNameList('a.b_c-1', '--agent-names')).toEqual(['a.b_c-1']);
  });

  it.each(['a,,b', 'a b', 'a,b/c', '', 'x'.repeat(65), 'ünï'])('%j is not a list of names', (value) => {
    const e = usageErrorOf(() => parseNameList(value, '--agent-names'));
    expect(e.message).toBe(`--agent-names '${value}' must be a comma-separated list of names`);
  });

  it('rejects a repeated name', () => {
    expect(usageErrorOf(() => parseNameList('a,b,a', '--agent-names')).message).toBe(
      "--agent-names 'a,b,a' repeats a name",
    );
  });
});

describe('parseWholeNumber', () => {
  it.each([
    ['0', 0],
    ['2000000', 2_000_000],
    [' 7 ', 7],
  ])('%j → %d', (value, n) => {
    expect(parseWholeNumber(value, '--max-tokens')).toBe(n);
  });

  it.each(['-1', '1.5', '1e3', '1e400', 'lots', '', '9007199254740993'])('%j is rejected', (value) => {
    const e = usageErrorOf(() => parseWholeNumber(value, '--max-tokens'));
    expect(e.message).toBe(`--max-tokens '${value}' is not a whole number >= 0`);
  });
});

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['4317', 4317],
    ['65535', 65535],
  ])('%j → %d', (value, n) => {
    expect(parsePort(value, '--otlp-port')).toBe(n);
  });

  it('takes 0 only when asked (serve: let the system pick)', () => {
    expect(parsePort('0', '--port', { allowZero: true })).toBe(0);
    expect(usageErrorOf(() => parsePort('0', '--port')).hint).toBe('use a whole number from 1 to 65535');
  });

  it.each(['65536', '-1', '1.5', 'abc', '', '0x10', '1e3', '4317 '.repeat(2)])('%j is rejected', (value) => {
    const e = usageErrorOf(() => parsePort(value, '--otlp-port'));
    expect(e.message).toBe(`--otlp-port '${value}' is not a port`);
  });
});

describe('parseHttpUrl', () => {
  it.each([
    ['http://localhost:4317', 'http://localhost:4317'],
    ['https://otel.example', 'https://otel.example'],
    ['collector:4317', 'http://collector:4317'],
    ['http://[::1]:4317', 'http://[::1]:4317'],
    [' http://127.0.0.1:4317 ', 'http://127.0.0.1:4317'],
  ])('%j → %j', (value, url) => {
    expect(parseHttpUrl(value, '--endpoint', DEFAULT_OTLP_ENDPOINT)).toBe(url);
  });

  it.each(['not a url', '', 'ftp://host:21', 'http://', 'http://exa mple:4317', '://x'])(
    '%j is rejected',
    (value) => {
      const e = usageErrorOf(() => parseHttpUrl(value, '--endpoint', DEFAULT_OTLP_ENDPOINT));
      expect(e.message).toBe(`--endpoint '${value}' is not an http(s) URL`);
      // The example is the caller's default, not a second copy of it.
      expect(e.hint).toBe(`use e.g. ${DEFAULT_OTLP_ENDPOINT}`);
    },
  );

  it('refuses control characters the URL parser would drop, quoting them escaped', () => {
    // new URL('http://a\nb') is http://ab: the value must not change silently.
    expect(usageErrorOf(() => parseHttpUrl('http://a\nb', '--url')).message).toBe(
      "--url 'http://a\\nb' is not an http(s) URL",
    );
    expect(usageErrorOf(() => parseHttpUrl('http://a\tb:9090', '--url')).message).toBe(
      "--url 'http://a\\tb:9090' is not an http(s) URL",
    );
    expect(usageErrorOf(() => parseHttpUrl('ftp://x\ny', '--url')).message).toBe(
      "--url 'ftp://x\\ny' is not an http(s) URL",
    );
  });

  it("a secret is not quoted; requireScheme refuses host:port; the hint is the caller's", () => {
    const e = usageErrorOf(() =>
      parseHttpUrl('token-xyz', '--alert-webhook', { requireScheme: true, secret: true, hint: 'h' }),
    );
    expect(e.message).toBe('--alert-webhook is not an http(s) URL');
    expect(e.hint).toBe('h');
    expect(parseHttpUrl('https://hooks.example/a', '--alert-webhook', { requireScheme: true })).toBe(
      'https://hooks.example/a',
    );
  });
});

describe('parseSwitch', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['on', true],
    ['1', true],
    ['TRUE', true],
    ['yes', true],
    ['off', false],
    ['0', false],
    ['false', false],
    [' no ', false],
    ['none', false],
  ])('%j → %j', (value, on) => {
    expect(parseSwitch(value, 'CLAUDE_OTEL_EXPORT', true)).toBe(on);
  });

  it.each(['maybe', 'enabled', '2'])('%j is refused, naming the accepted values', (value) => {
    const e = usageErrorOf(() => parseSwitch(value, 'CLAUDE_OTEL_EXPORT', true));
    expect(e.message).toBe(`CLAUDE_OTEL_EXPORT '${value}' is not on or off`);
    expect(e.hint).toBe('use on or off (also 1/0, true/false, yes/no)');
  });
});

describe('environment variables go through the same parsers', () => {
  it.each([
    [
      { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: 'abc' },
      "CLAUDE_OTEL_EXPORT_TIMEOUT_MS 'abc' is not a positive whole number",
    ],
    [
      { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '-5' },
      "CLAUDE_OTEL_EXPORT_TIMEOUT_MS '-5' is not a positive whole number",
    ],
    [
      { CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '0' },
      "CLAUDE_OTEL_EXPORT_TIMEOUT_MS '0' is not a positive whole number",
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
      "OTEL_EXPORTER_OTLP_ENDPOINT 'not a url' is not an http(s) URL",
    ],
    [
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'grpc://x:1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ok:4317' },
      "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT 'grpc://x:1' is not an http(s) URL",
    ],
  ])('%j is rejected', (env, message) => {
    expect(usageErrorOf(() => resolveExportConfig(env)).message).toBe(message);
  });

  it('takes good values, and an empty one as unset', () => {
    expect(resolveExportConfig({ CLAUDE_OTEL_EXPORT_TIMEOUT_MS: '500' }).timeoutMs).toBe(500);
    expect(resolveExportConfig({ CLAUDE_OTEL_EXPORT_TIMEOUT_MS: ' ' }).timeoutMs).toBe(2000);
    expect(resolveExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).endpoint).toBe('http://localhost:4317');
  });
});

describe('parseLabel', () => {
  it.each(['main', 'swarm', 'ci.nightly', 'agent_1', 'a-b', '1st'])('%j is a label', (value) => {
    expect(parseLabel(value, '--operation')).toBe(value);
  });

  it.each(['', 'a b', 'x'.repeat(65), 'ünï', 'a,b', 'a"b'])('%j is rejected', (value) => {
    const e = usageErrorOf(() => parseLabel(value, '--operation'));
    expect(e.message).toBe(`--operation '${value}' is not a valid name`);
  });
});

describe('messages quote a value on one line', () => {
  it('escapes control characters in the value', () => {
    const e = usageErrorOf(() => parseLabel('a\nb\u001b[31m', '--agent'));
    expect(e.message).toBe("--agent 'a\\nb\\u001b[31m' is not a valid name");
  });
});

describe('a bad URL is answered with the default of what it names', () => {
  it('CLAUDE_OTEL_PROMETHEUS_URL offers the Prometheus URL, not the OTLP endpoint', async () => {
    const { prometheusUrl } = await import('../../../src/stack/doctor-checks.js');
    expect(prometheusUrl({})).toBe('http://localhost:9090');
    const e = usageErrorOf(() => prometheusUrl({ CLAUDE_OTEL_PROMETHEUS_URL: 'not a url' }));
    expect(e.hint).toBe('use e.g. http://localhost:9090');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT offers the default endpoint', () => {
    const e = usageErrorOf(() => resolveExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }));
    expect(e.hint).toBe(`use e.g. ${DEFAULT_OTLP_ENDPOINT}`);
  });
});
