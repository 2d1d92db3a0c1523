import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  emulatorSearchOrder,
  findExecutable,
  findTerminalEmulator,
} from '@engine/system/terminal/terminalEmulator.js';

const command = ['/usr/bin/node', '/opt/netlens/dist/cli.js', '--data-dir', "/home/u/it's data", 'shell'];
const onPath =
  (...names: string[]) =>
  (name: string): string | undefined =>
    names.includes(name) ? `/usr/bin/${name}` : undefined;

describe('findTerminalEmulator', () => {
  it("prefers $TERMINAL, then the desktop's own terminal, then the common ones", () => {
    expect(emulatorSearchOrder('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }).slice(0, 3)).toEqual([
      'gnome-terminal',
      'x-terminal-emulator',
      'konsole',
    ]);
    expect(
      emulatorSearchOrder('linux', { TERMINAL: 'alacritty', XDG_CURRENT_DESKTOP: 'KDE' }).slice(0, 2),
    ).toEqual(['alacritty', 'konsole']);
    const kde = findTerminalEmulator(command, {
      platform: 'linux',
      env: { XDG_CURRENT_DESKTOP: 'KDE' },
      which: onPath('xterm', 'konsole'),
    });
    expect(kde).toEqual({ name: 'konsole', command: '/usr/bin/konsole', args: ['-e', ...command] });
  });

  it('gives each emulator the command its own way', () => {
    const args = (name: string) =>
      findTerminalEmulator(command, { platform: 'linux', env: {}, which: onPath(name) })?.args;
    expect(args('gnome-terminal')).toEqual(['--', ...command]);
    expect(args('xfce4-terminal')).toEqual(['-x', ...command]);
    expect(args('xterm')).toEqual(['-e', ...command]);
    expect(args('kitty')).toEqual(command);
    expect(args('wezterm')).toEqual(['start', '--', ...command]);
  });

  it('is undefined when nothing is found (the caller names what it looked for)', () => {
    expect(
      findTerminalEmulator(command, { platform: 'linux', env: {}, which: () => undefined }),
    ).toBeUndefined();
    expect(emulatorSearchOrder('linux', {})).toContain('xterm');
  });

  it('macOS: Terminal.app through osascript, the command quoted for the shell and for AppleScript', () => {
    const mac = findTerminalEmulator(command, { platform: 'darwin', env: {}, which: onPath('osascript') })!;
    expect(mac.name).toBe('Terminal.app');
    expect(mac.args[1]).toBe(
      `tell application "Terminal" to do script "/usr/bin/node /opt/netlens/dist/cli.js --data-dir '/home/u/it'\\\\''s data' shell"`,
    );
  });

  it('Windows: Windows Terminal when installed, else a new console through start', () => {
    const wt = findTerminalEmulator(['node', 'cli.js'], {
      platform: 'win32',
      env: {},
      which: onPath('wt.exe'),
    })!;
    expect(wt.args).toEqual(['-w', 'new', 'new-tab', '--title', 'NetLens', 'node', 'cli.js']);
    const cmd = findTerminalEmulator(['node', 'cli.js'], {
      platform: 'win32',
      env: { ComSpec: 'C:\\Windows\\system32\\cmd.exe' },
      which: () => undefined,
    })!;
    expect([cmd.command, ...cmd.args]).toEqual([
      'C:\\Windows\\system32\\cmd.exe',
      '/d',
      '/c',
      'start',
      '',
      'node',
      'cli.js',
    ]);
  });
});

describe('findExecutable', () => {
  it('finds executables on PATH, not plain files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-which-'));
    try {
      fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'data'), '', { mode: 0o644 });
      const env = { PATH: `/nonexistent:${dir}` };
      expect(findExecutable('tool', env, 'linux')).toBe(path.join(dir, 'tool'));
      expect(findExecutable(path.join(dir, 'tool'), env, 'linux')).toBe(path.join(dir, 'tool'));
      expect(findExecutable('missing', env, 'linux')).toBeUndefined();
      if (process.getuid?.() !== 0) expect(findExecutable('data', env, 'linux')).toBeUndefined();
      expect(findExecutable(dir, env, 'linux')).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
