import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isExecutableFile } from '../caTrust/executableSearch.js';
import type { DiscoveryProbe } from './browserDiscovery.js';
import { appPathsKeys, parseRegQueryDefault } from './registryAppPath.js';

function readHead(file: string): string | undefined {
  let handle: number | undefined;
  try {
    handle = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(1024);
    const bytes = fs.readSync(handle, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytes).toString('latin1');
  } catch {
    return undefined;
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}

function queryAppPath(exe: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const key of appPathsKeys(exe)) {
    try {
      const text = execFileSync('reg', ['query', key, '/ve'], {
        encoding: 'utf8',
        timeout: 5000,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const value = parseRegQueryDefault(text, env);
      if (value) return value;
    } catch {
      // Not registered under this hive.
    }
  }
  return undefined;
}

/** The real machine, as discovery sees it (HOME honoured first, as every tool does). */
export function systemDiscoveryProbe(env: NodeJS.ProcessEnv = process.env): DiscoveryProbe {
  const platform = process.platform;
  return {
    platform,
    env,
    homeDir: (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir(),
    isExecutable: isExecutableFile,
    readHead,
    ...(platform === 'win32' ? { appPath: (exe: string) => queryAppPath(exe, env) } : {}),
  };
}

/** Resolves `~` and relative paths the way a shell user means them. */
export function expandUserPath(file: string, homeDir: string): string {
  if (file === '~') return homeDir;
  if (file.startsWith('~/')) return path.join(homeDir, file.slice(2));
  return path.resolve(file);
}
