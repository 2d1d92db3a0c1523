import { chmod, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Folders NetLens owns (the data dir, the CA's, sessions, spilled bodies) are the user's alone:
 * they hold captured traffic, credentials and the CA's private key.
 */
export const PRIVATE_DIR_MODE = 0o700;
/** Files with captured data or secrets (HAR, settings, monitors, bodies, the CA key). */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The data directory shared by the app and the CLI (DESIGN.md): `--data-dir`, else
 * `NETLENS_HOME`, else the OS's per-user config dir for NetLens (the same place Electron's
 * app.getPath('userData') uses for an app named NetLens).
 */
export function resolveDataDir(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (flag && flag.trim() !== '') return path.resolve(flag);
  if (env.NETLENS_HOME && env.NETLENS_HOME.trim() !== '') return path.resolve(env.NETLENS_HOME);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'NetLens');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'NetLens');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'NetLens');
}

/**
 * Creates `dir` (and missing parents) as 0700, and narrows an existing one that group or others
 * can enter — a data dir made by an older NetLens, or by `mkdir` with the usual umask — when it
 * belongs to the current user (someone else's folder is left as it is: not ours to change).
 * Windows has no POSIX modes: there the folder keeps the ACL of the profile it lives in.
 */
export async function ensurePrivateDir(dir: string, platform = process.platform): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (platform === 'win32') return;
  const info = await stat(dir);
  const ownedByUs = typeof process.getuid !== 'function' || info.uid === process.getuid();
  if ((info.mode & 0o077) !== 0 && ownedByUs) await chmod(dir, PRIVATE_DIR_MODE);
}
