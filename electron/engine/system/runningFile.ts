/**
 * `DATA/running.json` (DESIGN.md, Interception): a running NetLens says where it is, so other
 * commands (`netlens browser`, `env`, `shell`, `system-proxy`) default to its proxy and can ask it
 * for things through its control endpoint. Written when the engine starts listening, rewritten
 * when the UI's address is known, removed when it stops; a file whose process is gone is stale
 * and ignored. Readable by the user only: it holds the control token.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeTextFileAtomically } from './atomicFileWrite.js';
import { isProcessAlive } from './processAlive.js';

export const RUNNING_FILE = 'running.json';

export interface RunningInfo {
  pid: number;
  /** `http://HOST:PORT` of the proxy's main listener. */
  proxy: string;
  /** The UI's URL with its token, in web mode. */
  ui?: string;
  /** Bearer token of the control endpoint (`/_netlens/…` on the proxy port). */
  controlToken: string;
  /** Proxy authentication is on (the proxy listens beyond loopback). */
  proxyAuth: boolean;
  startedAtMs: number;
  version: string;
}

export function runningFilePath(dataDir: string): string {
  return path.join(dataDir, RUNNING_FILE);
}

export async function writeRunningFile(dataDir: string, info: RunningInfo): Promise<void> {
  // Private (atomicFileWrite's default mode): it holds the control token.
  await writeTextFileAtomically(runningFilePath(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the file if it is still this process's (another NetLens may have started since). */
export async function removeRunningFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = readRunningFile(dataDir);
  if (current.info && current.info.pid !== pid) return;
  await fs.promises.rm(runningFilePath(dataDir), { force: true });
}

export interface RunningLookup {
  /** The running NetLens, when the file exists, parses and its process is alive. */
  info?: RunningInfo;
  /** Why the file was not used, when it exists: unreadable, not NetLens's, or its process is gone. */
  problem?: string;
}

export function readRunningFile(dataDir: string): RunningLookup {
  const file = runningFilePath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? {} : { problem: `${file} cannot be read (${code ?? 'error'}).` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `${file} is not valid JSON; it is ignored.` };
  }
  const info = parseRunningInfo(value);
  if (!info) return { problem: `${file} is not a NetLens running file; it is ignored.` };
  if (!isProcessAlive(info.pid))
    return { problem: `${file} names process ${info.pid}, which is no longer running.` };
  return { info };
}

function parseRunningInfo(value: unknown): RunningInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || typeof v.proxy !== 'string' || typeof v.controlToken !== 'string')
    return undefined;
  const info: RunningInfo = {
    pid: v.pid,
    proxy: v.proxy,
    controlToken: v.controlToken,
    proxyAuth: v.proxyAuth === true,
    startedAtMs: typeof v.startedAtMs === 'number' ? v.startedAtMs : 0,
    version: typeof v.version === 'string' ? v.version : '',
  };
  if (typeof v.ui === 'string') info.ui = v.ui;
  return info;
}
