/**
 * Firefox profiles: each has its own NSS database, so trusting the CA for Firefox means adding
 * it to every profile's. Profiles are listed in `profiles.ini` under each Firefox root (the
 * classic location, the snap's and the Flatpak's on Linux).
 */
import path from 'node:path';

export interface FirefoxProfile {
  name: string;
  /** Absolute path of the profile folder. */
  dir: string;
  /** The root whose profiles.ini lists it. */
  root: string;
}

/** Parses profiles.ini: every `[ProfileN]` section with a `Path` (relative to `root` when IsRelative=1). */
export function parseProfilesIni(
  text: string,
  root: string,
  platform: NodeJS.Platform = process.platform,
): FirefoxProfile[] {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const profiles: FirefoxProfile[] = [];
  let section: Record<string, string> | undefined;
  let sectionName = '';
  const flush = (): void => {
    if (!section || !/^Profile\d+$/i.test(sectionName) || !section.path) return;
    const relative = section.isrelative !== '0';
    const profilePath = section.path.replace(/[\\/]/g, paths.sep);
    profiles.push({
      name: section.name ?? section.path,
      dir: relative ? paths.join(root, profilePath) : paths.normalize(profilePath),
      root,
    });
  };
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      flush();
      sectionName = header[1]!.trim();
      section = {};
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0 || !section) continue;
    section[line.slice(0, equals).trim().toLowerCase()] = line.slice(equals + 1).trim();
  }
  flush();
  return profiles;
}

/** Where Firefox keeps profiles.ini, per OS; the first ones are the most common. */
export function firefoxProfileRoots(
  platform: NodeJS.Platform,
  homeDir: string,
  env: NodeJS.ProcessEnv,
): string[] {
  if (platform === 'darwin') return [path.posix.join(homeDir, 'Library', 'Application Support', 'Firefox')];
  if (platform === 'win32') {
    const appData = env.APPDATA ?? path.win32.join(homeDir, 'AppData', 'Roaming');
    return [path.win32.join(appData, 'Mozilla', 'Firefox')];
  }
  const configHome = env.XDG_CONFIG_HOME || path.posix.join(homeDir, '.config');
  return [
    path.posix.join(homeDir, '.mozilla', 'firefox'),
    // Firefox that follows the XDG base directories.
    path.posix.join(configHome, 'mozilla', 'firefox'),
    path.posix.join(homeDir, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    path.posix.join(homeDir, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
    path.posix.join(homeDir, '.var', 'app', 'org.mozilla.firefox', 'config', 'mozilla', 'firefox'),
  ];
}

/** Every profile under the roots, each folder once (two roots may list the same one). */
export function discoverFirefoxProfiles(
  roots: readonly string[],
  readText: (file: string) => string | undefined,
  platform: NodeJS.Platform = process.platform,
): FirefoxProfile[] {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const seen = new Set<string>();
  const profiles: FirefoxProfile[] = [];
  for (const root of roots) {
    const text = readText(paths.join(root, 'profiles.ini'));
    if (text === undefined) continue;
    for (const profile of parseProfilesIni(text, root, platform)) {
      if (seen.has(profile.dir)) continue;
      seen.add(profile.dir);
      profiles.push(profile);
    }
  }
  return profiles;
}
