import { readFile } from 'node:fs/promises';

/** A memory figure of a process from /proc/PID/status (VmRSS now, VmHWM its peak), in bytes. */
export async function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(
      await readFile(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
