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

/**
 * The longest delay a Node timer keeps (2^31-1 ms, 24.8 days): past it, setTimeout and
 * setInterval fire after 1 ms. A value a timer arms as a whole is capped at this; a limit armed in
 * steps (run/run-agent.ts, --timeout of swarm and run) is not.
 */
export const MAX_TIMER_MS = 2_147_483_647;

function tooLongForTimer(value: string, flag: string, maxMs: number) {
  return usageError(
    `${flag} ${quote(value)} is too long: at most ${maxMs}ms (${Math.floor(maxMs / 8_640_000) / 10} days)`,
  );
}

/**
 * "90", "90s", "1500ms", "5m", "1h" → milliseconds (a bare number is seconds). `maxMs`: the most
 * the consumer can arm (MAX_TIMER_MS for a value given to one timer).
 */
export function parseDuration(value: string, flag: string, options: { maxMs?: number } = {}): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw usageError(`${flag} ${quote(value)} is not a duration`, 'use e.g. 90s, 5m, 1h or 1500ms');
  const exact = Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
  const ms = Math.round(exact);
  if (!(exact > 0)) throw usageError(`${flag} ${quote(value)} must be greater than zero`);
  if (!(ms > 0)) throw usageError(`${flag} ${quote(value)} rounds to 0 ms`, 'use at least 1ms');
  if (!Number.isSafeInteger(ms))
    throw usageError(`${flag} ${quote(value)} is too long`, 'use e.g. 90s, 5m, 1h or 1500ms');
  if (options.maxMs !== undefined && ms > options.maxMs) throw tooLongForTimer(value, flag, options.maxMs);
  return ms;
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`${flag} ${quote(value)} is not a positive whole number`);
  }
  return n;
}

/** A whole number of milliseconds >= 1 that one timer arms (e.g. CLAUDE_OTEL_EXPORT_TIMEOUT_MS). */
export function parseTimerMs(value: string, flag: string): number {
  const n = parsePositiveInt(value, flag);
  if (n > MAX_TIMER_MS) throw tooLongForTimer(value, flag, MAX_TIMER_MS);
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

export interface HttpUrlOptions {
  /** Said after the error (default: an OTLP endpoint example). */
  hint?: string;
  /** The scheme must be written (a webhook): `host:port` alone is not taken. */
  requireScheme?: boolean;
  /** The value is a secret (a webhook URL carries its token): the error does not quote it. */
  secret?: boolean;
}

/**
 * An http(s) URL with a host (an OTLP endpoint, Prometheus, a webhook); `host:port` alone means
 * `http://host:port` unless `requireScheme`. Returns it normalized (scheme added, as written
 * otherwise). Control characters and spaces are refused: WHATWG URL parsing would silently drop
 * a newline or a tab (`http://a\nb` → `http://ab`). `how` is the URL the hint offers (the
 * caller's default, so this leaf module names none) or the options.
 */
export function parseHttpUrl(value: string, flag: string, how: string | HttpUrlOptions = {}): string {
  const options: HttpUrlOptions = typeof how === 'string' ? { hint: `use e.g. ${how}` } : how;
  const text = value.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  const withScheme = hasScheme || options.requireScheme ? text : `http://${text}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (!url || !/^https?:$/.test(url.protocol) || url.hostname === '' || /[\s\x00-\x1f\x7f]/.test(text)) {
    throw usageError(
      `${flag}${options.secret ? '' : ` ${quote(value)}`} is not an http(s) URL`,
      options.hint ?? 'use e.g. http://host:port',
    );
  }
  return withScheme;
}

const SWITCH_ON = ['on', '1', 'true', 'yes'];
/** The words that turn a setting off (CLAUDE_OTEL_EXPORT, CLAUDE_OTEL_LIVE_INTERVAL). */
export const SWITCH_OFF = ['off', '0', 'false', 'no', 'none'];

/** An on/off setting (`on`/`off`, `1`/`0`, `true`/`false`, `yes`/`no`); unset or empty: `fallback`. */
export function parseSwitch(value: string | undefined, flag: string, fallback: boolean): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return fallback;
  if (SWITCH_ON.includes(v)) return true;
  if (SWITCH_OFF.includes(v)) return false;
  throw usageError(
    `${flag} ${quote(value ?? '')} is not on or off`,
    'use on or off (also 1/0, true/false, yes/no)',
  );
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
