import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BASH_RC,
  defaultUserShell,
  FISH_INIT,
  prepareShellLaunch,
  shellFamily,
  ZSH_ENV,
  ZSH_RC,
} from '@engine/system/terminal/shellLaunch.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-shell-launch-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const env = { PATH: '/usr/bin', HTTPS_PROXY: 'http://127.0.0.1:1', ELECTRON_RUN_AS_NODE: '1' };
const interactive = { kind: 'interactive' } as const;

describe('shellFamily and defaultUserShell', () => {
  it('knows shells by name or path, on Unix and Windows', () => {
    expect(shellFamily('/bin/bash')).toBe('bash');
    expect(shellFamily('/usr/local/bin/zsh')).toBe('zsh');
    expect(shellFamily('/opt/homebrew/bin/fish')).toBe('fish');
    expect(shellFamily('/bin/dash')).toBe('posix');
    expect(shellFamily('ksh')).toBe('posix');
    expect(shellFamily('C:\\Program Files\\PowerShell\\7\\pwsh.exe')).toBe('powershell');
    expect(shellFamily('C:\\Windows\\System32\\cmd.exe')).toBe('cmd');
    expect(shellFamily('/bin/tcsh')).toBe('other');
  });

  it('takes $SHELL, else PowerShell on Windows and /bin/sh elsewhere', () => {
    expect(defaultUserShell({ SHELL: '/usr/bin/fish' }, 'linux')).toBe('/usr/bin/fish');
    expect(defaultUserShell({}, 'win32')).toBe('powershell.exe');
    expect(defaultUserShell({ SHELL: '' }, 'darwin')).toBe('/bin/sh');
  });
});

describe('prepareShellLaunch', () => {
  it('bash: an rcfile in DATA/terminal that reads ~/.bashrc, then marks the prompt', async () => {
    const dir = dataDir();
    const launch = await prepareShellLaunch({
      shell: '/bin/bash',
      env,
      source: 'terminal#3',
      dataDir: dir,
      run: interactive,
    });
    const rc = path.join(dir, 'terminal', 'bashrc');
    expect(launch).toMatchObject({ command: '/bin/bash', args: ['--rcfile', rc, '-i'] });
    expect(fs.readFileSync(rc, 'utf8')).toBe(BASH_RC);
    expect(BASH_RC).toMatch(/\. "\$HOME\/\.bashrc"/);
    expect(launch.env.NETLENS_SOURCE).toBe('terminal#3');
    expect(launch.env.HTTPS_PROXY).toBe(env.HTTPS_PROXY);
    // Inherited from the app's Electron; it would turn Electron apps started from the shell into Node.
    expect(launch.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
  });

  it("zsh: a ZDOTDIR of NetLens's that hands back to the user's own", async () => {
    const dir = dataDir();
    const launch = await prepareShellLaunch({
      shell: 'zsh',
      env: { ...env, ZDOTDIR: '/home/u/.config/zsh' },
      source: 'terminal#4',
      dataDir: dir,
      run: interactive,
    });
    const zdotdir = path.join(dir, 'terminal', 'zsh');
    expect(launch.args).toEqual(['-i']);
    expect(launch.env.ZDOTDIR).toBe(zdotdir);
    expect(launch.env.NETLENS_USER_ZDOTDIR).toBe('/home/u/.config/zsh');
    expect(fs.readFileSync(path.join(zdotdir, '.zshenv'), 'utf8')).toBe(ZSH_ENV);
    expect(fs.readFileSync(path.join(zdotdir, '.zshrc'), 'utf8')).toBe(ZSH_RC);
    const withoutUserDir = await prepareShellLaunch({
      shell: 'zsh',
      env,
      source: 'terminal#4',
      dataDir: dir,
      run: interactive,
    });
    expect(withoutUserDir.env.NETLENS_USER_ZDOTDIR).toBeUndefined();
  });

  it('fish: an init command; sh and dash: PS1 from the environment; cmd: PROMPT; PowerShell: a prompt wrapper', async () => {
    const dir = dataDir();
    const fish = await prepareShellLaunch({
      shell: 'fish',
      env,
      source: 'terminal#5',
      dataDir: dir,
      run: interactive,
    });
    expect(fish.args).toEqual(['--init-command', FISH_INIT, '-i']);
    const dash = await prepareShellLaunch({
      shell: '/bin/dash',
      env: { ...env, PS1: '% ' },
      source: 'terminal#6',
      dataDir: dir,
      run: interactive,
    });
    expect(dash.env.PS1).toBe('(netlens terminal#6) % ');
    const cmd = await prepareShellLaunch({
      shell: 'cmd.exe',
      env,
      source: 'terminal#7',
      dataDir: dir,
      run: interactive,
    });
    expect(cmd.env.PROMPT).toBe('(netlens terminal#7) $P$G');
    const pwsh = await prepareShellLaunch({
      shell: 'pwsh',
      env,
      source: 'terminal#8',
      dataDir: dir,
      run: interactive,
    });
    expect(pwsh.args.slice(0, 3)).toEqual(['-NoLogo', '-NoExit', '-Command']);
    expect(pwsh.args[3]).toContain('function global:prompt');
  });

  it('a shell without a marker still gets the environment, and says so', async () => {
    const launch = await prepareShellLaunch({
      shell: '/bin/tcsh',
      env,
      source: 'terminal#9',
      dataDir: dataDir(),
      run: interactive,
    });
    expect(launch.args).toEqual([]);
    expect(launch.env.HTTPS_PROXY).toBe(env.HTTPS_PROXY);
    expect(launch.notes).toEqual([
      'tcsh gets the NetLens environment but no prompt marker ($NETLENS_SOURCE names the source).',
    ]);
  });

  it('-c SCRIPT runs through the shell, -- COMMAND runs directly, neither writes start-up files', async () => {
    const dir = dataDir();
    const script = await prepareShellLaunch({
      shell: '/bin/bash',
      env,
      source: 't',
      dataDir: dir,
      run: { kind: 'script', script: 'echo hi' },
    });
    expect([script.command, ...script.args]).toEqual(['/bin/bash', '-c', 'echo hi']);
    const pwsh = await prepareShellLaunch({
      shell: 'pwsh',
      env,
      source: 't',
      dataDir: dir,
      run: { kind: 'script', script: 'x' },
    });
    expect(pwsh.args).toEqual(['-NoLogo', '-NoProfile', '-Command', 'x']);
    const command = await prepareShellLaunch({
      shell: '/bin/bash',
      env,
      source: 't',
      dataDir: dir,
      run: { kind: 'command', command: 'curl', args: ['-s', 'https://x.invalid/'] },
    });
    expect([command.command, ...command.args]).toEqual(['curl', '-s', 'https://x.invalid/']);
    expect(fs.existsSync(path.join(dir, 'terminal'))).toBe(false);
  });
});
