// What every command gets: the environment, the streams, and the arguments that followed `--`
// (passed to Claude Code unchanged). Commands return their exit code.
import type { Writable } from 'node:stream';

export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Arguments after the first `--`, for Claude Code. */
  passthrough: string[];
  /** Set by a command's action; main() returns it. */
  exitCode: number;
  debug: boolean;
}

export function warn(ctx: CliContext, message: string): void {
  ctx.stderr.write(`claude-otel: ${message}\n`);
}
