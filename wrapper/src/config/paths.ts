// Where claude-otel keeps its data: $CLAUDE_OTEL_HOME, else the platform's data directory.
import os from 'node:os';
import path from 'node:path';

export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDE_OTEL_HOME) return path.resolve(env.CLAUDE_OTEL_HOME);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'claude-otel');
  if (process.platform === 'win32') {
    return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'claude-otel');
  }
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'claude-otel');
}

export function cacheHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDE_OTEL_CACHE) return path.resolve(env.CLAUDE_OTEL_CACHE);
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'claude-otel');
}

export function ledgerDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataHome(env), 'ledger');
}

/** Markers of runs in progress (run/running-marker.ts) and their live journals, one file each. */
export function runningDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataHome(env), 'running');
}

/** Claude Code's own config directory, where it keeps session transcripts (`projects/`). */
export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
}
