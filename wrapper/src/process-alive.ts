// Whether a process exists: signal 0 checks without sending anything. EPERM means it exists
// but belongs to someone else. Used for stale locks, markers and native stack pids.
export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
