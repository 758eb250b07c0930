// `claude-otel doctor`: checks the path from Claude Code to Prometheus and prints the fix for
// each failure. Exit code 1 when any check fails.
import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { runDoctor } from '../stack/doctor-checks.js';
import type { CliContext } from './context.js';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the claude binary, telemetry settings, the collector and Prometheus')
    .option('--json', 'print the checks as JSON on stdout')
    .action(async (flags: { json?: boolean }) => {
      const checks = await runDoctor(ctx.env, ctx.cwd);
      if (flags.json) ctx.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else {
        for (const c of checks) {
          ctx.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
          if (c.fix) ctx.stdout.write(`      fix: ${c.fix}\n`);
        }
      }
      ctx.exitCode = checks.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
    });
}
