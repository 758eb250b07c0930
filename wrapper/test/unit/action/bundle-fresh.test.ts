// The GitHub Action runs the committed one-file CLI (dist/claude-otel.mjs): it must be what the
// sources build today, and the check must notice when it is not.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/cli.js';

const check = (file?: string) =>
  spawnSync(process.execPath, ['scripts/bundle-action.mjs', '--check', ...(file ? [file] : [])], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });

describe('dist/claude-otel.mjs', () => {
  it('is what scripts/bundle-action.mjs builds from the current sources', () => {
    const r = check();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('ships the license of every bundled package beside it', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'dist/THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const pkg of ['zod', 'commander', 'yaml']) {
      expect(text).toMatch(new RegExp(`^${pkg.replace('/', '\\/')}@\\d[^\\n]*\\(`, 'm'));
    }
    expect(text).toContain('Apache License');
  });

  it('a stale copy is reported with what to run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    try {
      const stale = path.join(dir, 'claude-otel.mjs');
      fs.writeFileSync(stale, `${fs.readFileSync(path.join(REPO_ROOT, 'dist/claude-otel.mjs'), 'utf8')};`);
      const r = check(stale);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is stale: run `node scripts\/bundle-action\.mjs` and commit it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs on its own: no node_modules beside it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-alone-'));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, 'dist/claude-otel.mjs'), path.join(dir, 'claude-otel.mjs'));
      const r = spawnSync(process.execPath, [path.join(dir, 'claude-otel.mjs'), '--version'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(r.stdout.trim()).toBe('0.1.0');
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
