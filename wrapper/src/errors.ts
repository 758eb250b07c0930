// The one user-facing error type: a message, a hint saying what to do, and an exit code.
// Thrown at the edges, printed by the CLI entry as one line (a stack only with --debug).

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  budget: 3,
  timeout: 124,
  notFound: 127,
  sigint: 130,
  sigterm: 143,
} as const;

export interface ClaudeOtelErrorOptions {
  hint?: string;
  exitCode?: number;
  cause?: unknown;
}

// The start-up bundle and the lazily loaded bundle each hold a copy of this class (see
// scripts/bundle.mjs): an error is recognised by this mark, whichever copy made it.
const MARK = Symbol.for('claude-otel.ClaudeOtelError');

export class ClaudeOtelError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly [MARK] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [MARK]?: unknown })[MARK] === true;
  }

  constructor(message: string, options: ClaudeOtelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClaudeOtelError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.failure;
  }

  /** The single line the CLI prints. */
  toLine(): string {
    return this.hint ? `claude-otel: ${this.message} (${this.hint})` : `claude-otel: ${this.message}`;
  }
}

export function usageError(message: string, hint?: string): ClaudeOtelError {
  return new ClaudeOtelError(message, { exitCode: EXIT.usage, ...(hint ? { hint } : {}) });
}
