// Finds the Claude Code binary: --claude-bin, then $CLAUDE_OTEL_CLAUDE_BIN, then PATH.
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeOtelError, EXIT } from '../errors.js';

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findClaude(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  const given = explicit ?? env.CLAUDE_OTEL_CLAUDE_BIN;
  if (given) {
    const resolved = path.resolve(given);
    if (isExecutable(resolved)) return resolved;
    const from = explicit ? '--claude-bin' : 'CLAUDE_OTEL_CLAUDE_BIN';
    throw new ClaudeOtelError(`${from} points to ${given}, which is not an executable file`, {
      hint: 'give the path of the claude binary, e.g. $(which claude)',
      exitCode: EXIT.notFound,
    });
  }
  const names = process.platform === 'win32' ? ['claude.exe', 'claude.cmd', 'claude'] : ['claude'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new ClaudeOtelError('cannot find the claude binary on PATH', {
    hint: 'install it with `npm install -g @anthropic-ai/claude-code`, or pass --claude-bin / set CLAUDE_OTEL_CLAUDE_BIN',
    exitCode: EXIT.notFound,
  });
}
