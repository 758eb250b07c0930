// Where a run happened: the git repository, branch and commit of its working directory, and the
// GitHub Actions run it belongs to. Remote URLs are stripped of credentials before they are kept.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { type Identity, identityNeedsGit, resolveIdentity, teamModeOn } from '../config/identity.js';
import type { RunRecord } from '../ledger/schema.js';

function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 2000, windowsHide: true }, (error, stdout) => {
      resolve(error ? null : stdout.trim() || null);
    });
  });
}

/** A remote URL without user, password or token: `https://tok@github.com/o/r.git` → `github.com/o/r`. */
export function sanitizeRemote(url: string): string {
  let s = url.trim();
  const scp = /^[^@/]+@([^:/]+):(.+)$/.exec(s);
  if (scp) s = `${scp[1]}/${scp[2]}`;
  // Up to the LAST @ before the path: a password may contain an unescaped @.
  s = s.replace(/^[a-z+]+:\/\//i, '').replace(/^[^/]*@/, '');
  return s.replace(/\/+$/, '').replace(/\.git$/, '');
}

export async function gitContext(cwd: string): Promise<RunRecord['git']> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top) return null;
  const [branch, commit, remote] = await Promise.all([
    git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(cwd, ['rev-parse', 'HEAD']),
    git(cwd, ['config', '--get', 'remote.origin.url']),
  ]);
  return {
    repo: remote ? sanitizeRemote(remote) : path.basename(top),
    branch: branch === 'HEAD' ? null : branch,
    commit,
  };
}

export function ciContext(env: NodeJS.ProcessEnv): RunRecord['ci'] {
  if (!env.GITHUB_RUN_ID) return null;
  return {
    provider: 'github',
    run_id: env.GITHUB_RUN_ID,
    run_attempt: env.GITHUB_RUN_ATTEMPT ?? null,
    repository: env.GITHUB_REPOSITORY ?? null,
    workflow: env.GITHUB_WORKFLOW ?? null,
    job: env.GITHUB_JOB ?? null,
    sha: env.GITHUB_SHA ?? null,
  };
}

/**
 * The run's team-mode identity (null when team mode is off). Git is asked, in one call, only when
 * a default is needed: the user's email and the origin remote.
 */
export async function runIdentity(env: NodeJS.ProcessEnv, cwd: string): Promise<Identity | null> {
  if (!teamModeOn(env)) return null;
  let gitEmail: string | null = null;
  let gitRemote: string | null = null;
  if (identityNeedsGit(env)) ({ gitEmail, gitRemote } = identityGitFacts(await git(cwd, IDENTITY_GIT_ARGS)));
  return resolveIdentity(env, { gitEmail, gitRemote, cwd });
}

const IDENTITY_GIT_ARGS = ['config', '--get-regexp', '^(user\\.email|remote\\.origin\\.url)$'];

function identityGitFacts(out: string | null): { gitEmail: string | null; gitRemote: string | null } {
  let gitEmail: string | null = null;
  let gitRemote: string | null = null;
  for (const line of (out ?? '').split('\n')) {
    const [key, ...rest] = line.split(' ');
    const value = rest.join(' ').trim();
    if (key === 'user.email' && value) gitEmail = value;
    if (key === 'remote.origin.url' && value) gitRemote = sanitizeRemote(value);
  }
  return { gitEmail, gitRemote };
}

/**
 * For imports (many sessions, each in its own directory): the identity of a session by its working
 * directory, git read once per directory. Null for every directory when team mode is off; throws
 * the usage error of a bad configured value on the first call.
 */
export function identityResolver(env: NodeJS.ProcessEnv): (cwd: string) => Identity | null {
  if (!teamModeOn(env)) return () => null;
  const needsGit = identityNeedsGit(env);
  const known = new Map<string, Identity | null>();
  return (cwd) => {
    let identity = known.get(cwd);
    if (identity === undefined) {
      let out: string | null = null;
      if (needsGit) {
        try {
          out = execFileSync('git', IDENTITY_GIT_ARGS, {
            cwd,
            timeout: 2000,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          });
        } catch {
          // not a repository, no such directory (a moved project): the defaults without git
        }
      }
      identity = resolveIdentity(env, { ...identityGitFacts(out), cwd });
      known.set(cwd, identity);
    }
    return identity;
  };
}
