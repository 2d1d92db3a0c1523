/**
 * Everything the trust stores need from the machine, in one object: tests pass a temporary HOME,
 * a PATH without certutil, a fake command runner or a system store in a temporary folder; the
 * real one reads the process's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand, type CommandRunner } from './commandRunner.js';
import { findExecutable } from './executableSearch.js';
import { realStepExecutor, type StepExecutor } from './trustStepRunner.js';

export interface TrustEnvironment extends StepExecutor {
  platform: NodeJS.Platform;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /** root on Linux and macOS (the system store needs it). */
  isAdmin: boolean;
  /** The user who ran `sudo netlens …`: their own stores are not root's, so they are left alone. */
  sudoUser?: string;
  findExecutable(name: string): string | undefined;
  readText(file: string): string | undefined;
  exists(file: string): boolean;
  /** Whether the user can create or change files in `dir` (or, if it is missing, in its nearest existing parent). */
  canWrite(dir: string): boolean;
}

/** Folders that hold admin tools, often missing from a user's PATH. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function systemTrustEnvironment(env: NodeJS.ProcessEnv = process.env): TrustEnvironment {
  const platform = process.platform;
  const isAdmin = typeof process.getuid === 'function' && process.getuid() === 0;
  const run: CommandRunner = (command, args, options) => runCommand(command, args, { env, ...options });
  return {
    ...realStepExecutor(run),
    platform,
    ...(isAdmin && env.SUDO_USER && env.SUDO_USER !== 'root' ? { sudoUser: env.SUDO_USER } : {}),
    // HOME first, so a temporary HOME (tests, `HOME=… netlens ca`) is honoured like every tool does.
    homeDir: (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir(),
    env,
    isAdmin,
    findExecutable: (name) =>
      findExecutable(name, {
        pathValue: env.PATH ?? env.Path,
        platform,
        extraDirs: platform === 'win32' ? [] : SBIN_DIRS,
      }),
    readText(file) {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    exists: (file) => fs.existsSync(file),
    canWrite(dir) {
      let current = path.resolve(dir);
      for (;;) {
        try {
          fs.accessSync(current, fs.constants.W_OK);
          return true;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
        }
        const parent = path.dirname(current);
        if (parent === current) return false;
        current = parent;
      }
    },
  };
}
