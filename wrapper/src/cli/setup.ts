// `claude-otel setup`: makes plain `claude` sessions export to the stack by writing telemetry
// settings into Claude Code's user or project settings; shows the change first, keeps the rest.
// In team mode (CLAUDE_OTEL_TEAM) the settings carry the identity labels too.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { type Identity, projectConfigured } from '../config/identity.js';
import { parseHttpUrl } from '../config/options.js';
import { ClaudeOtelError, usageError } from '../errors.js';
import { DEFAULT_OTLP_ENDPOINT, resolveExportConfig } from '../export/config.js';
import { runIdentity } from '../run/context.js';
import { planHooks, planSettings, planStatusLine } from '../stack/claude-settings.js';
import { readSettings, settingsPath } from '../stack/settings-files.js';
import type { CliContext } from './context.js';

interface SetupFlags {
  scope: string;
  endpoint?: string;
  statusline?: boolean;
  hooks?: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

export function registerSetup(program: Command, ctx: CliContext): void {
  program
    .command('setup')
    .description('write telemetry settings so plain `claude` sessions export to the stack')
    .option(
      '--scope <scope>',
      'user (~/.claude/settings.json), project (.claude/settings.json) or local',
      'user',
    )
    .option(
      '--endpoint <url>',
      `OTLP gRPC endpoint (default: OTEL_EXPORTER_OTLP_ENDPOINT or ${DEFAULT_OTLP_ENDPOINT})`,
    )
    .option(
      '--statusline',
      "install `claude-otel statusline` as Claude Code's status line (instead of telemetry)",
    )
    .option(
      '--hooks',
      "install `claude-otel hook` as Claude Code's SessionEnd and Stop hooks: every plain `claude` session lands in the ledger (instead of telemetry)",
    )
    .option('--yes', 'write without asking (required when stdin is not a terminal)')
    .option('--dry-run', 'only show the change')
    .action(async (flags: SetupFlags) => {
      const file = settingsPath(flags.scope, ctx.env, ctx.cwd);
      const endpoint =
        flags.endpoint === undefined
          ? resolveExportConfig(ctx.env).endpoint
          : parseHttpUrl(flags.endpoint, '--endpoint', DEFAULT_OTLP_ENDPOINT);
      if (flags.statusline && flags.hooks)
        throw usageError('--statusline and --hooks are separate changes', 'run setup once for each');
      const existing = readSettings(file);
      // The launcher that runs this command is what the status line should run.
      const launcher = path.resolve(process.argv[1] ?? 'claude-otel');
      const { next, changes } = flags.statusline
        ? planStatusLine(existing, launcher)
        : flags.hooks
          ? planHooks(existing, launcher, !isExecutable(launcher))
          : planSettings(existing, endpoint, await settingsIdentity(flags.scope, ctx));
      if (changes.length === 0) {
        ctx.stderr.write(
          flags.statusline
            ? `${file} already runs claude-otel statusline\n`
            : flags.hooks
              ? `${file} already runs claude-otel hook at SessionEnd and Stop\n`
              : `${file} already exports telemetry to ${endpoint}\n`,
        );
        return;
      }
      const what = flags.statusline ? 'status line' : flags.hooks ? 'hooks' : 'env';
      ctx.stderr.write(`${file}: ${what} changes\n`);
      const show = (v: string, json?: true) => (json ? v : JSON.stringify(v));
      for (const c of changes)
        ctx.stderr.write(
          `  ${c.key}: ${c.from === undefined ? '(unset)' : show(c.from, c.json)} -> ${show(c.to, c.json)}\n`,
        );
      if (flags.dryRun) return;
      // Without a terminal nobody can answer: fail, so a script does not take it for a write.
      if (!flags.yes && !process.stdin.isTTY) {
        throw new ClaudeOtelError('nothing written', { hint: 'run again with --yes to write' });
      }
      if (!flags.yes && !(await confirm(ctx))) {
        ctx.stderr.write('nothing written (run again with --yes to write)\n');
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (fs.existsSync(file)) fs.copyFileSync(file, `${file}.bak`);
      const tmp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
      fs.renameSync(tmp, file);
      ctx.stderr.write(
        `wrote ${file}${fs.existsSync(`${file}.bak`) ? ` (previous version in ${file}.bak)` : ''}\n`,
      );
    });
}

/**
 * Team mode's identity for the settings: team and user (pseudonymised if asked) always; the
 * project only when configured or for a project's own settings, since user settings cover every
 * repository (the hook still records each session's project from its directory).
 */
async function settingsIdentity(scope: string, ctx: CliContext): Promise<Identity | null> {
  const identity = await runIdentity(ctx.env, ctx.cwd);
  if (!identity || scope !== 'user' || projectConfigured(ctx.env)) return identity;
  const { project: _project, ...rest } = identity;
  return rest;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function confirm(ctx: CliContext): Promise<boolean> {
  ctx.stderr.write('write these settings? [y/N] ');
  const answer = await new Promise<string>((resolve) => {
    process.stdin.once('data', (d) => resolve(d.toString()));
  });
  process.stdin.pause();
  return /^y(es)?$/i.test(answer.trim());
}
