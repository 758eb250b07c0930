// Paths of the native tools built by scripts/setup-tools.sh: from the environment, else from
// the tools.env it writes. A missing tool is an error that says how to get it, never a skip.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { cacheHome } from '../../../wrapper/src/config/paths.js';
import { cachedToolsEnv } from '../../../wrapper/src/stack/tools.js';

export type ToolVar =
  | 'CLAUDE_OTEL_PROMTOOL_BIN'
  | 'CLAUDE_OTEL_PROMETHEUS_BIN'
  | 'CLAUDE_OTEL_COLLECTOR_BIN'
  | 'CLAUDE_OTEL_ACTIONLINT_BIN'
  | 'CLAUDE_OTEL_COMPOSE_BIN';

/** The tool's path; throws with the fix when it is not configured or not executable. */
export function toolPath(name: ToolVar): string {
  const path = process.env[name] || cachedToolsEnv(process.env)[name];
  if (!path) {
    const file = join(cacheHome(process.env), 'tools.env');
    throw new Error(
      `${name} is not set and ${file} does not name it: run 'bash scripts/setup-tools.sh' first`,
    );
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${name}=${path} is not an executable file: run 'bash scripts/setup-tools.sh' again`);
  }
  return path;
}
