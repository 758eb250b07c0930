// Parsers for option values shared by several commands. Each rejects bad input with a one-line
// usage error that quotes the value and says what is expected.
import { usageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90", "90s", "1500ms", "5m", "1h" → milliseconds (a bare number is seconds). */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw usageError(`${flag} '${value}' is not a duration`, 'use e.g. 90s, 5m, 1h or 1500ms');
  const ms = Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000));
  if (!(ms > 0)) throw usageError(`${flag} '${value}' must be greater than zero`);
  if (!Number.isSafeInteger(ms))
    throw usageError(`${flag} '${value}' is too long`, 'use e.g. 90s, 5m, 1h or 1500ms');
  return ms;
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`${flag} '${value}' is not a positive whole number`);
  }
  return n;
}

export function parseUsd(value: string, flag: string): number {
  const amount = value.trim().replace(/^\$/, '');
  // Plain decimal only: Number() would also take 0x10, 1e3 and 0b1 as dollar amounts.
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(amount) ? Number(amount) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw usageError(`${flag} '${value}' is not an amount in US dollars`, 'use e.g. 5 or 0.50');
  }
  return n;
}

export function parseNameList(value: string, flag: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => !/^[A-Za-z0-9_.-]{1,64}$/.test(n))) {
    throw usageError(
      `${flag} '${value}' must be a comma-separated list of names`,
      'letters, digits, . _ - only',
    );
  }
  if (new Set(names).size !== names.length) throw usageError(`${flag} '${value}' repeats a name`);
  return names;
}
