import path from 'node:path';

/**
 * Under `sudo`, HOME is root's, so the NetLens data directory (and its CA) would be root's
 * too. The system store must receive the CA of the user who ran sudo: this finds that user's
 * home directory from /etc/passwd.
 */
export function invokingUserHome(env: NodeJS.ProcessEnv, passwdText: string | undefined): string | undefined {
  const user = env.SUDO_USER;
  if (!user || user === 'root' || passwdText === undefined) return undefined;
  for (const line of passwdText.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields.length >= 7 && fields[5]) return fields[5];
  }
  return undefined;
}

/** The data directory the app and CLI use for a user with this home (as dataDir.ts resolves it without overrides). */
export function defaultDataDirFor(homeDir: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', 'NetLens');
  return path.posix.join(homeDir, '.config', 'NetLens');
}
