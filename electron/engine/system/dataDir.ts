import os from 'node:os';
import path from 'node:path';

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
