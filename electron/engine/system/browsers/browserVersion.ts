import { runCommand } from '../caTrust/commandRunner.js';
import { versionFromText } from './browserChoice.js';

/**
 * What `BROWSER --version` prints (Linux and macOS; on Windows the browsers open a window
 * instead, so nothing is run there). Undefined when it fails or takes longer than the bound.
 */
export async function versionText(file: string, timeoutMs = 5000): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const result = await runCommand(file, ['--version'], { timeoutMs });
  if (result.code !== 0) return undefined;
  const line = result.stdout.trim().split('\n')[0]?.trim();
  return line ? line : undefined;
}

export async function browserVersion(file: string, timeoutMs?: number): Promise<string | undefined> {
  const text = await versionText(file, timeoutMs);
  return text === undefined ? undefined : versionFromText(text);
}
