// Where Claude Code keeps a session's transcripts: <config>/projects/<project>/<session>.jsonl,
// and its subagents' under <project>/<session>/subagents/agent-<id>.jsonl. <config> is
// $CLAUDE_CONFIG_DIR or ~/.claude of the environment Claude Code ran with; <project> is the
// working directory with every character other than a letter or digit turned into '-'.
import fs from 'node:fs';
import path from 'node:path';
import { claudeConfigDir } from '../config/paths.js';

/** The project directory name Claude Code uses for a working directory (short paths). */
export function projectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** The main transcript of a session: looked up in cwd's project first, then in every project. */
export function findSessionTranscript(
  env: NodeJS.ProcessEnv,
  sessionId: string,
  cwd?: string,
): string | undefined {
  const projects = path.join(claudeConfigDir(env), 'projects');
  const name = `${sessionId}.jsonl`;
  if (cwd) {
    const guess = path.join(projects, projectDirName(cwd), name);
    if (fs.existsSync(guess)) return guess;
  }
  let dirs: string[];
  try {
    dirs = fs.readdirSync(projects);
  } catch {
    return undefined;
  }
  for (const dir of dirs) {
    const file = path.join(projects, dir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The subagent transcripts beside a session's main transcript (none when there are none). */
export function subagentTranscripts(mainTranscript: string): string[] {
  const dir = path.join(mainTranscript.replace(/\.jsonl$/, ''), 'subagents');
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** A session's main transcript followed by its subagents', or [] when it cannot be found. */
export function sessionTranscriptFiles(env: NodeJS.ProcessEnv, sessionId: string, cwd?: string): string[] {
  const main = findSessionTranscript(env, sessionId, cwd);
  return main ? [main, ...subagentTranscripts(main)] : [];
}
