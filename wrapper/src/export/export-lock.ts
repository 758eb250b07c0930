// An exclusive lock around "select pending runs → export → mark exported", so two processes
// (a sync and a run, or concurrent runs) never send the same run twice; the session hook takes the
// same kind of lock around its import. The lock is a file created with O_EXCL in the ledger
// directory; a lock left by a dead or stuck process is broken.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../process-alive.js';

/** Older than this, a lock is stale even if its process lives (no export runs this long). */
export const STALE_LOCK_MS = 120_000;

interface LockContent {
  pid: number;
  host: string;
  token: string;
  at: number;
}

export interface HeldLock {
  /** Marks the lock as still in use (long syncs call it between batches). */
  refresh(): void;
  release(): void;
}

export function lockPath(ledgerDir: string): string {
  return path.join(ledgerDir, '.export.lock');
}

/** Tries until the deadline; undefined when another holder keeps it. */
export function acquireExportLock(ledgerDir: string, deadline: number): Promise<HeldLock | undefined> {
  return acquireFileLock(lockPath(ledgerDir), deadline);
}

/** The same lock on another file (the session hook's import lock). */
export async function acquireFileLock(file: string, deadline: number): Promise<HeldLock | undefined> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let wait = 5;
  for (;;) {
    const held = tryCreate(file);
    if (held) return held;
    breakIfStale(file);
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, Math.max(1, deadline - Date.now()))));
    wait = Math.min(wait * 2, 100);
  }
}

function tryCreate(file: string): HeldLock | undefined {
  const content: LockContent = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    fs.writeSync(fd, JSON.stringify(content));
  } finally {
    fs.closeSync(fd);
  }
  const ours = () => readLock(file)?.token === content.token;
  return {
    refresh() {
      if (!ours()) return;
      const now = new Date();
      fs.utimesSync(file, now, now);
    },
    release() {
      if (ours()) fs.rmSync(file, { force: true });
    },
  };
}

function readLock(file: string): LockContent | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
}

function breakIfStale(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  const lock = readLock(file);
  // A lock file being written this very moment has no content yet: give it a moment.
  if (!lock && Date.now() - stat.mtimeMs < 1000) return;
  const dead = lock !== undefined && lock.host === os.hostname() && !isProcessAlive(lock.pid);
  if (!dead && lock !== undefined && Date.now() - stat.mtimeMs < STALE_LOCK_MS) return;
  // Rename first: of several processes breaking the same stale lock, exactly one succeeds.
  const aside = `${file}.stale-${process.pid}-${randomUUID()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return;
  }
  const moved = readLock(aside);
  if (lock && moved && moved.token !== lock.token) {
    // A live lock replaced the stale one between our read and the rename: put it back.
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone holds a new lock already; the displaced holder finishes its batch regardless.
    }
  }
  fs.rmSync(aside, { force: true });
}
