// Parsers for option values and environment variables, shared by every command (durations,
// counts, amounts, ports, URLs): each rejects bad input with a one-line usage error (exit 2) that
// quotes the value and says what is expected. No command parses such a value any other way.
import { usageError } from '../errors.js';

/** A value as quoted in a message: control characters escaped, so the error stays one line. */
function quote(value: string): string {
  let out = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? JSON.stringify(c).slice(1, -1) : c;
  }
  return `'${out}'`;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90", "90s", "1500ms", "5m", "1h" → milliseconds (a bare number is seconds). */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw usageError(`${flag} ${quote(value)} is not a duration`, 'use e.g. 90s, 5m, 1h or 1500ms');
  const ms = Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000));
  if (!(ms > 0)) throw usageError(`${flag} ${quote(value)} must be greater than zero`);
  if (!Number.isSafeInteger(ms))
    throw usageError(`${flag} ${quote(value)} is too long`, 'use e.g. 90s, 5m, 1h or 1500ms');
  return ms;
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`${flag} ${quote(value)} is not a positive whole number`);
  }
  return n;
}

/** A whole number >= 0 (a token budget, a count that may be zero). */
export function parseWholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw usageError(`${flag} ${quote(value)} is not a whole number >= 0`);
  }
  return n;
}

/** A TCP port 1-65535; `allowZero` also takes 0 (let the system pick a free one). */
export function parsePort(value: string, flag: string, options: { allowZero?: boolean } = {}): number {
  const n = Number(value);
  const min = options.allowZero ? 0 : 1;
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > 65535) {
    throw usageError(`${flag} ${quote(value)} is not a port`, `use a whole number from ${min} to 65535`);
  }
  return n;
}

/**
 * An http(s) URL with a host, e.g. an OTLP endpoint; `host:port` alone means `http://host:port`.
 * Returns it normalized (scheme added, as written otherwise). `example` is the URL the hint offers
 * (the caller's default, so this leaf module names none).
 */
export function parseHttpUrl(value: string, flag: string, example: string): string {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.hostname === '' || /\s/.test(text)) {
    throw usageError(`${flag} ${quote(value)} is not an http(s) URL`, `use e.g. ${example}`);
  }
  return withScheme;
}

export function parseUsd(value: string, flag: string): number {
  const amount = value.trim().replace(/^\$/, '');
  // Plain decimal only: Number() would also take 0x10, 1e3 and 0b1 as dollar amounts.
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(amount) ? Number(amount) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw usageError(`${flag} ${quote(value)} is not an amount in US dollars`, 'use e.g. 5 or 0.50');
  }
  return n;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A metric label value the user picks (an agent or operation name): a bounded, plain name. */
export function parseLabel(value: string, flag: string): string {
  if (!NAME.test(value)) {
    throw usageError(
      `${flag} ${quote(value)} is not a valid name`,
      'letters, digits, . _ - only, at most 64',
    );
  }
  return value;
}

export function parseNameList(value: string, flag: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => !NAME.test(n))) {
    throw usageError(
      `${flag} ${quote(value)} must be a comma-separated list of names`,
      'letters, digits, . _ - only',
    );
  }
  if (new Set(names).size !== names.length) throw usageError(`${flag} ${quote(value)} repeats a name`);
  return names;
}
