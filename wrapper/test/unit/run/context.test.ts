// Where a run happened: remotes without credentials, the git context of a real repository, and the
// GitHub Actions run from its environment.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ciContext, gitContext, sanitizeRemote } from '../../../src/run/context.js';

describe('sanitizeRemote', () => {
  it.each([
    ['https://ghp_SECRET123@github.com/acme/api.git', 'github.com/acme/api'],
    ['https://x-access-token:ghs_SECRET@github.com/acme/api.git', 'github.com/acme/api'],
    ['https://user:SECRET@gitlab.example.com/group/sub/repo.git/', 'gitlab.example.com/group/sub/repo'],
    ['http://oauth2:SECRET@git.example.com/acme/api', 'git.example.com/acme/api'],
    ['https://github.com/acme/api', 'github.com/acme/api'],
    ['git@github.com:acme/api.git', 'github.com/acme/api'],
    ['deploy-SECRET@github.com:acme/api.git', 'github.com/acme/api'],
    ['ssh://git@github.com/acme/api.git', 'github.com/acme/api'],
    ['ssh://git:SECRET@git.example.com:2222/acme/api.git', 'git.example.com:2222/acme/api'],
    ['git+ssh://git@github.com/acme/api.git', 'github.com/acme/api'],
    // An unescaped @ inside the password: everything up to the host's @ goes.
    ['https://user:p@SECRET@github.com/acme/api.git', 'github.com/acme/api'],
    ['  https://tok@github.com/acme/api.git\n', 'github.com/acme/api'],
  ])('%s → %s', (url, want) => {
    const clean = sanitizeRemote(url);
    expect(clean).toBe(want);
    expect(clean).not.toMatch(/SECRET|@/);
  });
});

describe('gitContext', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-git-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    })
      .toString()
      .trim();

  it('reads repository, branch and commit, with the remote sanitized', async () => {
    git('init', '-q', '-b', 'feature/x');
    git('commit', '-q', '--allow-empty', '-m', 'first');
    git('remote', 'add', 'origin', 'https://ghp_SECRET@github.com/acme/api.git');
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    expect(await gitContext(sub)).toEqual({
      repo: 'github.com/acme/api',
      branch: 'feature/x',
      commit: git('rev-parse', 'HEAD'),
    });
    // Detached HEAD: no branch.
    git('checkout', '-q', '--detach');
    expect((await gitContext(dir))?.branch).toBeNull();
    // No remote: the top directory's name.
    git('remote', 'remove', 'origin');
    expect((await gitContext(dir))?.repo).toBe(path.basename(dir));
  });

  it('is null outside a repository', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-nogit-'));
    try {
      expect(await gitContext(outside)).toBeNull();
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('ciContext', () => {
  it('is null outside GitHub Actions', () => {
    expect(ciContext({})).toBeNull();
    expect(ciContext({ GITHUB_REPOSITORY: 'acme/api' })).toBeNull();
  });

  it('reads the workflow run, with missing fields as null', () => {
    expect(
      ciContext({
        GITHUB_RUN_ID: '9000',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_REPOSITORY: 'acme/api',
        GITHUB_WORKFLOW: 'ci',
        GITHUB_JOB: 'test',
        GITHUB_SHA: 'abc',
      }),
    ).toEqual({
      provider: 'github',
      run_id: '9000',
      run_attempt: '2',
      repository: 'acme/api',
      workflow: 'ci',
      job: 'test',
      sha: 'abc',
    });
    expect(ciContext({ GITHUB_RUN_ID: '1' })).toEqual({
      provider: 'github',
      run_id: '1',
      run_attempt: null,
      repository: null,
      workflow: null,
      job: null,
      sha: null,
    });
  });
});
