// Paths of the native tools built by scripts/setup-tools.sh: from the environment, else from
// the tools.env it writes. A missing tool is an error that says how to get it, never a skip.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ToolVar = 'CLAUDE_OTEL_PROMTOOL_BIN' | 'CLAUDE_OTEL_PROMETHEUS_BIN' | 'CLAUDE_OTEL_COLLECTOR_BIN';

function toolsEnvPath(): string {
  const cache =
    process.env.CLAUDE_OTEL_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'claude-otel');
  return join(cache, 'tools.env');
}

/** KEY=VALUE lines; comments and blank lines ignored. */
export function parseToolsEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? '').trim();
  }
  return out;
}

/** The tool's path; throws with the fix when it is not configured or not executable. */
export function toolPath(name: ToolVar): string {
  let path = process.env[name];
  if (!path) {
    try {
      path = parseToolsEnv(readFileSync(toolsEnvPath(), 'utf8'))[name];
    } catch {
      // No tools.env yet: reported below with the fix.
    }
  }
  if (!path) {
    throw new Error(
      `${name} is not set and ${toolsEnvPath()} does not name it: run 'bash scripts/setup-tools.sh' first`,
    );
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${name}=${path} is not an executable file: run 'bash scripts/setup-tools.sh' again`);
  }
  return path;
}
