// Finds the native binaries the stack runs: an explicit CLAUDE_OTEL_*_BIN, the project's cached
// build (scripts/setup-tools.sh writes tools.env in the cache), then PATH.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheHome } from '../config/paths.js';

export type ToolName =
  | 'collector'
  | 'prometheus'
  | 'promtool'
  | 'thanos'
  | 'alertmanager'
  | 'jaeger'
  | 'docker-compose';

const ENV_KEYS: Record<ToolName, string> = {
  collector: 'CLAUDE_OTEL_COLLECTOR_BIN',
  prometheus: 'CLAUDE_OTEL_PROMETHEUS_BIN',
  promtool: 'CLAUDE_OTEL_PROMTOOL_BIN',
  thanos: 'CLAUDE_OTEL_THANOS_BIN',
  alertmanager: 'CLAUDE_OTEL_ALERTMANAGER_BIN',
  jaeger: 'CLAUDE_OTEL_JAEGER_BIN',
  'docker-compose': 'CLAUDE_OTEL_COMPOSE_BIN',
};
const PATH_NAMES: Record<ToolName, string[]> = {
  collector: ['claude-otel-collector', 'otelcol-contrib', 'otelcol'],
  prometheus: ['prometheus'],
  promtool: ['promtool'],
  thanos: ['thanos'],
  // Debian's package installs it as prometheus-alertmanager.
  alertmanager: ['alertmanager', 'prometheus-alertmanager'],
  jaeger: ['jaeger'],
  'docker-compose': ['docker-compose'],
};

/** The repository (or installed package) root: collector/, prometheus/ and scripts/ live there. */
export function packageRoot(): string {
  // Found by walking up: this module runs from wrapper/src, wrapper/dist, or the one-file bundle.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'collector', 'otel-collector-config.yaml'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function setupScript(): string {
  return path.join(packageRoot(), 'scripts', 'setup-tools.sh');
}

function executable(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The tool paths scripts/setup-tools.sh recorded in the cache's tools.env (empty before a build). */
export function cachedToolsEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const line of fs.readFileSync(path.join(cacheHome(env), 'tools.env'), 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
  } catch {
    // No cached build yet.
  }
  return out;
}

function onPath(names: string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    for (const name of names) {
      const found = executable(dir ? path.join(dir, name) : undefined);
      if (found) return found;
    }
  }
  return undefined;
}

export function findTool(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = ENV_KEYS[tool];
  return executable(env[key]) ?? executable(cachedToolsEnv(env)[key]) ?? onPath(PATH_NAMES[tool], env);
}

export function missingToolHint(tool: ToolName): string {
  return `run \`bash ${path.relative(process.cwd(), setupScript()) || setupScript()}\` (needs Go), put ${PATH_NAMES[tool][0]} on PATH, or set ${ENV_KEYS[tool]}`;
}
