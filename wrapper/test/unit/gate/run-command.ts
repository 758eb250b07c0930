// Runs one command's registration in-process with captured streams, the way main() does, so CLI
// behaviour (exit codes, stdout/stderr, files) is tested without a build.
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import type { CliContext } from '../../../src/cli/context.js';
import { ClaudeOtelError } from '../../../src/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(
  register: (program: Command, ctx: CliContext) => void,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  err.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const ctx: CliContext = { env, cwd, stdout: out, stderr: err, passthrough: [], exitCode: 0, debug: false };
  const program = new Command('claude-otel').exitOverride();
  program.configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) });
  register(program, ctx);
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = ctx.exitCode;
  } catch (error) {
    if (!(error instanceof ClaudeOtelError)) throw error;
    err.write(`${error.toLine()}\n`);
    code = error.exitCode;
  }
  await new Promise((r) => setImmediate(r));
  return { code, stdout, stderr };
}
