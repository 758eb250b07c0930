// The session hook's log (`<data home>/hook.log`): a hook may print nothing Claude Code would show,
// so its problems land here, one line each, and `claude-otel doctor` reports them.
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';

/** The log is cut to its last half once it passes this size. */
const MAX_LOG_BYTES = 256 * 1024;

export function hookLogPath(env: NodeJS.ProcessEnv): string {
  return path.join(dataHome(env), 'hook.log');
}

/** Appends one line; never throws (a hook must not fail because its log cannot be written). */
export function logHookProblem(env: NodeJS.ProcessEnv, message: string): void {
  try {
    const file = hookLogPath(env);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = `${new Date().toISOString()} ${message.replace(/\s+/g, ' ').slice(0, 2000)}\n`;
    fs.appendFileSync(file, line);
    if (fs.statSync(file).size > MAX_LOG_BYTES) {
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.slice(text.indexOf('\n', text.length / 2) + 1));
    }
  } catch {
    // Nowhere left to tell it.
  }
}

const DEBUG = ' debug: ';

/** With CLAUDE_OTEL_DEBUG=1, what the hook did (recorded, left to the wrapper) goes to the log too. */
export function logHookDebug(env: NodeJS.ProcessEnv, message: string): void {
  if (env.CLAUDE_OTEL_DEBUG === '1') logHookProblem(env, `${DEBUG.trim()} ${message}`);
}

/** The log's lines (empty when there is no log). */
export function readHookLog(env: NodeJS.ProcessEnv): string[] {
  try {
    return fs.readFileSync(hookLogPath(env), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The problems in the log (its debug lines left out). */
export function readHookProblems(env: NodeJS.ProcessEnv): string[] {
  return readHookLog(env).filter((l) => !l.includes(DEBUG));
}
