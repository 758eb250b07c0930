// Whether a process exists: signal 0 checks without sending anything. EPERM means it exists
// but belongs to someone else. Used for stale locks, markers and native stack pids.
import fs from 'node:fs';

export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a process still runs: alive and, on Linux, not a zombie (a killed process waits as a
 * zombie until its parent, or init after a re-parenting, reaps it, which can take seconds).
 */
export function isProcessRunning(pid: number | undefined): boolean {
  if (!isProcessAlive(pid)) return false;
  if (process.platform !== 'linux') return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may contain anything.
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true; // no /proc to ask: trust the signal check
  }
}
