import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireExportLock, lockPath } from '../../../src/export/export-lock.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('export lock', () => {
  it('is exclusive until released', async () => {
    const dir = tmp();
    const first = await acquireExportLock(dir, Date.now() + 100);
    expect(first).toBeDefined();
    expect(await acquireExportLock(dir, Date.now() + 50)).toBeUndefined();
    first?.release();
    const second = await acquireExportLock(dir, Date.now() + 100);
    expect(second).toBeDefined();
    second?.release();
    expect(fs.existsSync(lockPath(dir))).toBe(false);
  });

  it('breaks a lock left by a dead process', async () => {
    const dir = tmp();
    fs.writeFileSync(
      lockPath(dir),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), token: 'x', at: 0 }),
    );
    const lock = await acquireExportLock(dir, Date.now() + 500);
    expect(lock).toBeDefined();
    lock?.release();
  });

  it('does not release a lock it no longer owns', async () => {
    const dir = tmp();
    const lock = await acquireExportLock(dir, Date.now() + 100);
    fs.writeFileSync(
      lockPath(dir),
      JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'other', at: Date.now() }),
    );
    lock?.release();
    expect(fs.existsSync(lockPath(dir))).toBe(true);
  });
});
