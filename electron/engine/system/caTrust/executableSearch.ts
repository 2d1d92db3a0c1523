import fs from 'node:fs';
import path from 'node:path';

export interface ExecutableSearchOptions {
  /** The PATH to search (default process.env.PATH). */
  pathValue?: string | undefined;
  platform?: NodeJS.Platform;
  /** Windows: extensions tried for a bare name (default PATHEXT or .EXE;.CMD;.BAT). */
  pathExt?: string | undefined;
  /** Folders searched after PATH (e.g. /usr/sbin, which a user's PATH often lacks). */
  extraDirs?: readonly string[];
  /** Test hook: whether a file is an executable (default: fs.accessSync X_OK on a regular file). */
  isExecutable?: (file: string) => boolean;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `name` on PATH (then in `extraDirs`), as `which` finds it; undefined if none. */
export function findExecutable(name: string, options: ExecutableSearchOptions = {}): string | undefined {
  const platform = options.platform ?? process.platform;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const check = options.isExecutable ?? isExecutableFile;
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    return check(name) ? name : undefined;
  }
  const pathValue = 'pathValue' in options ? options.pathValue : process.env.PATH;
  const dirs = [
    ...(pathValue ?? '').split(platform === 'win32' ? ';' : ':').filter((dir) => dir !== ''),
    ...(options.extraDirs ?? []),
  ];
  const extensions =
    platform === 'win32'
      ? ['', ...(options.pathExt ?? process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)]
      : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = paths.join(dir, name + extension);
      if (check(candidate)) return candidate;
    }
  }
  return undefined;
}
