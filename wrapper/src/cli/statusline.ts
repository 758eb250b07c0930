// `claude-otel statusline`, registered with the CLI for --help and for an unbundled checkout. The
// launcher normally starts bundle/statusline.cjs directly, without the CLI (see statusline/main.ts).
import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function registerStatusline(program: Command, ctx: CliContext): void {
  program
    .command('statusline')
    .description(
      "Claude Code's statusLine command: reads its JSON on stdin, prints one line (install: setup --statusline)",
    )
    .action(async () => {
      const { main } = await import('../statusline/main.js');
      ctx.exitCode = await main();
    });
}
