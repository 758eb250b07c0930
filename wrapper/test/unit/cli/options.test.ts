// Option value parsers: good values parsed exactly, bad ones rejected with a one-line usage error
// (exit code 2) that quotes the value.
import { describe, expect, it } from 'vitest';
import { parseDuration, parseNameList, parsePositiveInt, parseUsd } from '../../../src/cli/options.js';
import { ClaudeOtelError, EXIT } from '../../../src/errors.js';

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

  it.each(['', 'soon', '5 m', '-5s', '5d', '1e3', 's', '0', '0s', '0.4ms', `${'9'.repeat(400)}h`])(
    '%j is rejected',
    (value) => {
      const e = usageErrorOf(() => parseDuration(value, '--timeout'));
      expect(e.message).toContain(`--timeout '${value}'`);
    },
  );
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
