// Where a run happened: the git repository, branch and commit of its working directory, and the
// GitHub Actions run it belongs to. Remote URLs are stripped of credentials before they are kept.
import { execFile } from 'node:child_process';
import path from 'node:path';
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
