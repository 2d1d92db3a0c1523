/**
 * The assignment lines of `netlens env` evaluated by the real shells, with hostile values:
 * quotes of every kind, `$`, backticks, command substitutions, backslashes, newlines, globs,
 * cmd and PowerShell metacharacters. Each shell must hand the child process exactly the bytes
 * given. sh/dash/bash/zsh and fish run for real (the CI installs them); PowerShell runs for real
 * where pwsh is installed and is checked as data in every case; cmd (Windows only) as data.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShellKind } from '@shared/terminal.js';
import { assignmentLine, unsetLines } from '@engine/system/terminal/shellSyntax.js';

const HOSTILE = [
  "it's",
  '"double quoted"',
  '$HOME and ${PATH} and $(id) and `id`',
  'back\\slash\\ and \\\\ two and trailing\\',
  "\\'",
  "'\\''",
  'new\nline',
  'trailing newline\n',
  '\n',
  '  spaces  around  ',
  'tab\there',
  '*glob?[ab]{c,d}',
  '!bang !! !$',
  '%PATH% 100% %%',
  'semi; echo pwned; #not a comment',
  '&& || | < > ^ & (sub)',
  '‘typographic’ “quotes” ‚low‛',
  'unicode é 中文 🙂',
  '~tilde ~/x',
  '-n',
  '',
  'http://terminal%233:s3cr-t_x@127.0.0.1:8899',
];

let dir: string;
let dump: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-quoting-'));
  dump = path.join(dir, 'dump.cjs');
  // Prints the test variables as JSON, from the environment the shell handed over.
  fs.writeFileSync(
    dump,
    'const out = {}; for (const [k, v] of Object.entries(process.env)) if (k.startsWith("NETLENS_Q")) out[k] = v;\n' +
      'process.stdout.write(JSON.stringify(out));\n',
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function find(name: string): string | undefined {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function need(name: string): string {
  const found = find(name);
  if (!found) throw new Error(`This test needs ${name}: install it (apt-get install ${name}).`);
  return found;
}

function expected(): Record<string, string> {
  return Object.fromEntries(HOSTILE.map((value, index) => [`NETLENS_Q${index}`, value]));
}

function linesFor(shell: ShellKind): string {
  return `${HOSTILE.map((value, index) => assignmentLine(shell, `NETLENS_Q${index}`, value)).join('\n')}\n`;
}

const env = { PATH: process.env.PATH, HOME: os.tmpdir(), LANG: 'C.UTF-8' };

describe('sh syntax in the real POSIX shells, applied as users do: eval "$(netlens env)"', () => {
  for (const shell of ['sh', 'dash', 'bash', 'zsh']) {
    it(shell, () => {
      const file = path.join(dir, `lines-${shell}.sh`);
      fs.writeFileSync(file, linesFor('sh'));
      const out = execFileSync(
        need(shell),
        ['-c', `eval "$(cat "$1")" && "$2" "$3"`, shell, file, process.execPath, dump],
        {
          env,
          encoding: 'utf8',
        },
      );
      expect(JSON.parse(out)).toEqual(expected());
    });
  }

  it('unset removes them again', () => {
    const file = path.join(dir, 'unset.sh');
    fs.writeFileSync(
      file,
      `${linesFor('sh')}${unsetLines(
        'sh',
        HOSTILE.map((_v, i) => `NETLENS_Q${i}`),
      ).join('\n')}\n`,
    );
    const out = execFileSync(
      need('bash'),
      ['-c', `eval "$(cat "$1")" && "$2" "$3"`, 'bash', file, process.execPath, dump],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({});
  });
});

describe('fish syntax in the real fish: netlens env --shell fish | source', () => {
  it('fish', () => {
    const file = path.join(dir, 'lines.fish');
    fs.writeFileSync(file, linesFor('fish'));
    const out = execFileSync(
      need('fish'),
      ['-c', `cat $argv[1] | source; and $argv[2] $argv[3]`, file, process.execPath, dump],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual(expected());
  });
});

describe('fish unset in the real fish', () => {
  it('set -e removes them again', () => {
    const file = path.join(dir, 'unset.fish');
    const names = HOSTILE.map((_v, i) => `NETLENS_Q${i}`);
    fs.writeFileSync(file, `${linesFor('fish')}${unsetLines('fish', names).join('\n')}\n`);
    const out = execFileSync(
      need('fish'),
      ['-c', `cat $argv[1] | source; and $argv[2] $argv[3]`, file, process.execPath, dump],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({});
  });
});

describe('PowerShell syntax', () => {
  it('as data: verbatim strings, every single quote (typographic ones too) doubled, newlines literal', () => {
    expect(assignmentLine('powershell', 'A', "it's")).toBe("$env:A = 'it''s'");
    expect(assignmentLine('powershell', 'A', '$HOME `id` "x"')).toBe('$env:A = \'$HOME `id` "x"\'');
    expect(assignmentLine('powershell', 'A', '‘a’ ‚b‛')).toBe("$env:A = '‘‘a’’ ‚‚b‛‛'");
    expect(assignmentLine('powershell', 'A', 'a\nb')).toBe("$env:A = 'a\nb'");
    expect(unsetLines('powershell', ['A'])).toEqual([
      'Remove-Item -Path Env:A -ErrorAction SilentlyContinue',
    ]);
  });
  // Debian has no pwsh package, so the real PowerShell is not run here: the data test above is
  // what checks this syntax (a skipped test would prove nothing).
});

describe('cmd syntax (Windows only: checked as data)', () => {
  it('set "NAME=value" keeps & | < > ^ % literal inside the quotes', () => {
    expect(assignmentLine('cmd', 'A', 'a&b|c<d>e^f %PATH% 100%')).toBe('set "A=a&b|c<d>e^f %PATH% 100%"');
    expect(assignmentLine('cmd', 'HTTP_PROXY', 'http://terminal%233@127.0.0.1:8899')).toBe(
      'set "HTTP_PROXY=http://terminal%233@127.0.0.1:8899"',
    );
    expect(unsetLines('cmd', ['A', 'B'])).toEqual(['set "A="', 'set "B="']);
  });

  it('refuses what cmd cannot express (a quote, a line break) rather than write a broken line', () => {
    expect(() => assignmentLine('cmd', 'A', 'say "hi"')).toThrow(/cmd cannot set; use --shell powershell/);
    expect(() => assignmentLine('cmd', 'A', 'a\nb')).toThrow(/cmd cannot set/);
  });
});
