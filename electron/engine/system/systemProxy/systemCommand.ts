/**
 * The OS commands that read and change the proxy setting, as data: a backend builds them, a
 * runner runs them (the real one here; tests pass recorded outputs), `--dry-run` prints them.
 * Commands run without a shell, so an argument is always one argument whatever it contains.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface SystemCommand {
  file: string;
  args: string[];
  /**
   * A tool that reports some errors with exit code 0 (networksetup prints `** Error: ...`): a
   * regular expression that, found in its output, means the command failed.
   */
  errorPattern?: string;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** Exit code; undefined when the command could not start or was killed by the time limit. */
  code: number | undefined;
  /** Why it did not run to an exit code: `not found`, `timed out after 10000 ms`. */
  failure?: string;
}

export type CommandRunner = (command: SystemCommand) => Promise<CommandOutput>;

/** Where the commands run and what they see: the real machine, or a test's fake one. */
export interface SystemProxyEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
  /** The executable's path when it is on PATH. */
  which(name: string): string | undefined;
}

export const COMMAND_TIMEOUT_MS = 15_000;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export function commandRunner(env: NodeJS.ProcessEnv, timeoutMs = COMMAND_TIMEOUT_MS): CommandRunner {
  return (command) =>
    new Promise((resolve) => {
      execFile(
        command.file,
        command.args,
        {
          env,
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: MAX_OUTPUT_BYTES,
          windowsHide: true,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          if (!error) {
            resolve({ stdout, stderr, code: 0 });
            return;
          }
          const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
          if (failure.code === 'ENOENT') {
            resolve({ stdout, stderr, code: undefined, failure: 'not found' });
          } else if (failure.killed) {
            resolve({ stdout, stderr, code: undefined, failure: `timed out after ${timeoutMs} ms` });
          } else if (typeof failure.code === 'number') {
            resolve({ stdout, stderr, code: failure.code });
          } else {
            resolve({ stdout, stderr, code: undefined, failure: failure.message });
          }
        },
      );
    });
}

/** Finds `name` on PATH (with PATHEXT on Windows); undefined when it is not there. */
export function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const separator = platform === 'win32' ? ';' : ':';
  const pathValue = env.PATH ?? env.Path ?? '';
  const extensions =
    platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  for (const dir of pathValue.split(separator)) {
    if (dir === '') continue;
    for (const extension of extensions) {
      const candidate = path.join(dir, `${name}${extension}`);
      try {
        fs.accessSync(candidate, platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // Not here; try the next directory.
      }
    }
  }
  return undefined;
}

export function realEnvironment(env: NodeJS.ProcessEnv = process.env): SystemProxyEnvironment {
  return {
    platform: process.platform,
    env,
    run: commandRunner(env),
    which: (name) => findExecutable(name, env),
  };
}

/** One line for the terminal, quoted the way the platform's shell would need it. */
export function formatCommand(command: SystemCommand, platform: NodeJS.Platform): string {
  return [command.file, ...command.args].map((arg) => quoteArgument(arg, platform)).join(' ');
}

function quoteArgument(arg: string, platform: NodeJS.Platform): string {
  if (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(arg)) return arg;
  if (platform === 'win32') return `"${arg.replace(/"/g, '""')}"`;
  if (!arg.includes("'")) return `'${arg}'`;
  if (!/["$`\\!]/.test(arg)) return `"${arg}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandSucceeded(command: SystemCommand, output: CommandOutput): boolean {
  if (output.code !== 0 || output.failure) return false;
  return (
    !command.errorPattern || !new RegExp(command.errorPattern, 'm').test(`${output.stdout}\n${output.stderr}`)
  );
}

/** The first line a failed command said, for a one-line error. */
export function failureText(command: SystemCommand, output: CommandOutput): string {
  if (output.failure) return `\`${command.file}\` ${output.failure}`;
  if (output.code === 0 && command.errorPattern) {
    const line = `${output.stdout}\n${output.stderr}`
      .split(/\r?\n/)
      .find((l) => new RegExp(command.errorPattern!).test(l));
    return `\`${command.file}\` said: ${(line ?? '').trim().slice(0, 300)}`;
  }
  const said = `${output.stderr}\n${output.stdout}`
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
  return `\`${command.file}\` exited with ${output.code}${said ? `: ${said.slice(0, 300)}` : ''}`;
}
