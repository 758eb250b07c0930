// Claude Code's settings files (user, project, local) and how claude-otel reads one: `setup`
// merges into it, `doctor` checks what plain sessions get from them. A file that does not parse
// is an error that says where, never treated as empty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClaudeOtelError, usageError } from '../errors.js';
import type { Settings } from './claude-settings.js';

export const SETTINGS_SCOPES = ['user', 'project', 'local'] as const;

/** The settings file of a scope: user (~/.claude), project or local (the working directory's .claude). */
export function settingsPath(scope: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (scope === 'user') return path.join(env.HOME ?? os.homedir(), '.claude', 'settings.json');
  if (scope === 'project') return path.join(cwd, '.claude', 'settings.json');
  if (scope === 'local') return path.join(cwd, '.claude', 'settings.local.json');
  throw usageError(`unknown scope ${JSON.stringify(scope)}`, `use ${SETTINGS_SCOPES.join(', ')}`);
}

/** A settings file's object ({} when there is none); throws, naming the file, when it is not one. */
export function readSettings(file: string): Settings {
  if (!fs.existsSync(file)) return {};
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Settings;
  } catch (error) {
    // V8's JSON messages quote the file's text, newlines (and any secret nearby) included.
    const at = /at position \d+/.exec((error as Error).message)?.[0];
    const reason =
      error instanceof SyntaxError ? `not valid JSON${at ? ` (${at})` : ''}` : (error as Error).message;
    throw new ClaudeOtelError(`cannot read ${file}: ${reason}`, {
      hint: 'fix the file by hand, then run setup again',
    });
  }
}
