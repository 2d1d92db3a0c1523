/**
 * Whether a process exists. Signal 0 sends nothing and only checks; EPERM means the process
 * exists but belongs to another user (so it is alive, and not ours to judge dead).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
