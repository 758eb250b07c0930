// `claude-otel hook`: the command `setup --hooks` installs as Claude Code's SessionEnd and Stop
// hook. The launcher normally starts bundle/hook.cjs directly (see hook/hook-entry.ts); this is
// its --help, the unbundled fallback, and `hook --record`, the detached recorder it starts.
import type { Command } from 'commander';
import { RECORDING_EVENTS, type RecordingEvent } from '../hook/hook-entry.js';
import type { CliContext } from './context.js';

interface HookFlags {
  record?: boolean;
  event?: string;
  session?: string;
  transcript?: string;
  cwd?: string;
  marker?: string;
}

export function registerHook(program: Command, ctx: CliContext): void {
  program
    .command('hook')
    .description(
      "Claude Code's SessionEnd/Stop hook: records the session from its transcripts (install: setup --hooks)",
    )
    .option('--record', 'record the session now (what the hook starts in the background)')
    .option('--event <name>', 'with --record: SessionEnd (main + subagent transcripts) or Stop (main)')
    .option('--session <id>', 'with --record: the session id')
    .option('--transcript <file>', "with --record: the session's main transcript")
    .option('--cwd <dir>', 'with --record: the directory the session ran in')
    .option('--marker <name>', "with --record: the hook's in-flight marker, removed when done")
    .action(async (flags: HookFlags) => {
      ctx.exitCode = 0;
      if (!flags.record) {
        const { main } = await import('../hook/hook-entry.js');
        await main();
        return;
      }
      const { logHookProblem } = await import('../hook/hook-log.js');
      const event = flags.event ?? 'SessionEnd';
      if (!flags.session || !RECORDING_EVENTS.includes(event as RecordingEvent)) {
        logHookProblem(ctx.env, `hook --record needs --session and --event SessionEnd|Stop`);
        return;
      }
      const { recordSession } = await import('../hook/record-session.js');
      await recordSession(ctx.env, {
        event: event as RecordingEvent,
        sessionId: flags.session,
        transcriptPath: flags.transcript,
        cwd: flags.cwd,
        marker: flags.marker,
      });
    });
}
