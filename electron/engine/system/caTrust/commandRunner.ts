import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; 127 when the command could not be started (missing), as a shell says. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and never rejects (system tools: certutil, security, update-ca-*). */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
) => Promise<CommandResult>;

/** No prompt ever waits for a user here: stdin is closed (or the given input), and a bound kills a hang. */
export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    const child = execFile(
      command,
      [...args],
      {
        timeout: options.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 32 * 1024 * 1024,
        windowsHide: true,
        ...(options.env ? { env: options.env } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const failure = error as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
        if (failure.code === 'ENOENT' || failure.code === 'EACCES') {
          resolve({ code: 127, stdout, stderr: `${command}: ${failure.message}` });
          return;
        }
        if (failure.killed) {
          const seconds = Math.round((options.timeoutMs ?? 60_000) / 1000);
          resolve({ code: 124, stdout, stderr: `${stderr}${command} did not finish within ${seconds} s` });
          return;
        }
        resolve({ code: typeof failure.code === 'number' ? failure.code : 1, stdout, stderr });
      },
    );
    // A command that exits without reading its input (`true --version`) closes the pipe first.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
