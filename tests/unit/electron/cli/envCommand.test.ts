import { describe, expect, it } from 'vitest';
import { envShellKind } from '@cli/envCommand.js';
import { shellRunOf } from '@cli/shellCommand.js';
import { CliError } from '@cli/cliError.js';

describe('envShellKind', () => {
  const warnings: string[] = [];
  const warn = (line: string): void => void warnings.push(line);

  it('takes --shell, with the names users type for each syntax', () => {
    expect(envShellKind('bash', {}, 'linux', warn)).toBe('sh');
    expect(envShellKind('zsh', {}, 'linux', warn)).toBe('sh');
    expect(envShellKind('fish', {}, 'linux', warn)).toBe('fish');
    expect(envShellKind('pwsh', {}, 'linux', warn)).toBe('powershell');
    expect(envShellKind('CMD', {}, 'win32', warn)).toBe('cmd');
  });

  it('an unknown --shell is a usage error (exit 2) listing the choices', () => {
    let error: unknown;
    try {
      envShellKind('tcsh', {}, 'linux', warn);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toMatch(/use sh .*fish, powershell \(pwsh\) or cmd/);
  });

  it('defaults to the syntax of $SHELL, PowerShell on Windows, sh elsewhere; warns for a shell it cannot write', () => {
    expect(envShellKind(undefined, { SHELL: '/usr/bin/fish' }, 'linux', warn)).toBe('fish');
    expect(envShellKind(undefined, { SHELL: '/bin/zsh' }, 'darwin', warn)).toBe('sh');
    expect(envShellKind(undefined, {}, 'win32', warn)).toBe('powershell');
    expect(envShellKind(undefined, {}, 'linux', warn)).toBe('sh');
    warnings.length = 0;
    expect(envShellKind(undefined, { SHELL: '/bin/tcsh' }, 'linux', warn)).toBe('sh');
    expect(warnings).toEqual([
      '$SHELL is tcsh, which netlens env has no syntax for: printing sh syntax. `netlens shell` works with any shell.',
    ]);
  });
});

describe('shellRunOf', () => {
  it('interactive by default, -c for a script, operands for a command; not both', () => {
    expect(shellRunOf({}, [])).toEqual({ kind: 'interactive' });
    expect(shellRunOf({ command: 'echo hi' }, [])).toEqual({ kind: 'script', script: 'echo hi' });
    expect(shellRunOf({}, ['curl', '-s', 'x'])).toEqual({
      kind: 'command',
      command: 'curl',
      args: ['-s', 'x'],
    });
    expect(() => shellRunOf({ command: 'x' }, ['y'])).toThrow(/either -c SCRIPT or -- COMMAND/);
  });
});
