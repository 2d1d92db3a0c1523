/**
 * Opening a terminal window that runs a given command (the app's "Open a terminal", which runs
 * `netlens shell` in it): the desktop's own terminal first, then the common ones. Each emulator
 * takes the command to run in its own way.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface EmulatorLaunch {
  /** What was found (`gnome-terminal`, `Terminal.app`...). */
  name: string;
  command: string;
  args: string[];
}

interface LinuxEmulator {
  name: string;
  args(command: string[]): string[];
}

const dashE = (command: string[]): string[] => ['-e', ...command];

/** Linux and BSD emulators, most common first; each with how it is told what to run. */
const LINUX_EMULATORS: LinuxEmulator[] = [
  { name: 'x-terminal-emulator', args: dashE },
  { name: 'gnome-terminal', args: (command) => ['--', ...command] },
  { name: 'konsole', args: dashE },
  { name: 'xfce4-terminal', args: (command) => ['-x', ...command] },
  { name: 'mate-terminal', args: (command) => ['-x', ...command] },
  { name: 'tilix', args: (command) => ['-e', ...command] },
  { name: 'kitty', args: (command) => [...command] },
  { name: 'alacritty', args: dashE },
  { name: 'wezterm', args: (command) => ['start', '--', ...command] },
  { name: 'foot', args: (command) => [...command] },
  { name: 'xterm', args: dashE },
];

/** The desktop's own terminal goes first (XDG_CURRENT_DESKTOP may list several, `ubuntu:GNOME`). */
const DESKTOP_TERMINAL: Record<string, string> = {
  gnome: 'gnome-terminal',
  unity: 'gnome-terminal',
  kde: 'konsole',
  xfce: 'xfce4-terminal',
  mate: 'mate-terminal',
};

export interface FindEmulatorOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The path of an executable on PATH, or undefined. */
  which?: (name: string) => string | undefined;
}

/** The names looked for, in order (for the error when none is found). */
export function emulatorSearchOrder(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return ['Terminal.app (osascript)'];
  if (platform === 'win32') return ['wt.exe (Windows Terminal)', 'cmd.exe'];
  const names: string[] = [];
  if (env.TERMINAL && env.TERMINAL.trim() !== '') names.push(env.TERMINAL.trim());
  for (const desktop of (env.XDG_CURRENT_DESKTOP ?? '').toLowerCase().split(':')) {
    const preferred = DESKTOP_TERMINAL[desktop];
    if (preferred && !names.includes(preferred)) names.push(preferred);
  }
  for (const emulator of LINUX_EMULATORS) if (!names.includes(emulator.name)) names.push(emulator.name);
  return names;
}

/** How to open a window running `command` (argv), or undefined when no emulator is found. */
export function findTerminalEmulator(
  command: string[],
  options: FindEmulatorOptions = {},
): EmulatorLaunch | undefined {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const which = options.which ?? ((name: string) => findExecutable(name, env, platform));

  if (platform === 'darwin') {
    const osascript = which('osascript');
    if (!osascript) return undefined;
    // Terminal runs the line with the user's login shell: one POSIX-quoted command line.
    const line = command.map(posixWord).join(' ');
    return {
      name: 'Terminal.app',
      command: osascript,
      args: [
        '-e',
        `tell application "Terminal" to do script ${appleScriptString(line)}`,
        '-e',
        'tell application "Terminal" to activate',
      ],
    };
  }
  if (platform === 'win32') {
    const wt = which('wt.exe') ?? which('wt');
    if (wt)
      return {
        name: 'Windows Terminal',
        command: wt,
        args: ['-w', 'new', 'new-tab', '--title', 'NetLens', ...command],
      };
    const cmd = env.ComSpec ?? 'cmd.exe';
    // `start` takes its first quoted argument as the window title: an empty one (Node quotes it "").
    return { name: 'cmd', command: cmd, args: ['/d', '/c', 'start', '', ...command] };
  }

  for (const name of emulatorSearchOrder(platform, env)) {
    const found = which(name);
    if (!found) continue;
    const known = LINUX_EMULATORS.find((emulator) => emulator.name === path.basename(name));
    // $TERMINAL may name anything: `-e` is what nearly every emulator takes.
    return { name: path.basename(name), command: found, args: known ? known.args(command) : dashE(command) };
  }
  return undefined;
}

function posixWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An executable's path: `name` itself when it has a slash, else the first match on PATH. */
export function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const isExecutable = (file: string): boolean => {
    try {
      fs.accessSync(file, platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    return isExecutable(name) ? name : undefined;
  }
  const extensions =
    platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  const pathValue = env.PATH ?? env.Path ?? '';
  for (const dir of pathValue.split(platform === 'win32' ? ';' : ':')) {
    if (dir === '') continue;
    for (const extension of extensions) {
      const file = path.join(dir, name + extension);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

/**
 * Why no terminal window can open here, if so: on Linux and the BSDs, a window needs a graphical
 * session (X11's DISPLAY or WAYLAND_DISPLAY).
 */
export function graphicalSessionProblem(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (platform === 'darwin' || platform === 'win32') return undefined;
  if ((env.DISPLAY ?? '') !== '' || (env.WAYLAND_DISPLAY ?? '') !== '') return undefined;
  return 'No graphical session here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no terminal window can open.';
}

export interface LaunchedEmulator {
  pid: number;
  /** Resolves with the exit code when the emulator process ends (many hand the window to a server and exit 0 at once). */
  exited: Promise<number | null>;
}

/** Starts the emulator detached from this process; resolves once it has started. */
export function launchEmulator(launch: EmulatorLaunch, env: NodeJS.ProcessEnv): Promise<LaunchedEmulator> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { env, detached: true, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolveExit) =>
      child.once('exit', (code) => resolveExit(code)),
    );
    child.once('error', (error) => reject(new Error(`Cannot start ${launch.name}: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve({ pid: child.pid!, exited });
    });
  });
}
