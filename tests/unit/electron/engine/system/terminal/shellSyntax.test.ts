import { describe, expect, it } from 'vitest';
import {
  argumentWord,
  assignmentLine,
  commentLine,
  shQuote,
  ShellSyntaxError,
  unsetLines,
} from '@engine/system/terminal/shellSyntax.js';

describe('assignmentLine', () => {
  it('writes each shell its own syntax', () => {
    expect(assignmentLine('sh', 'A', 'v')).toBe("export A='v'");
    expect(assignmentLine('fish', 'A', 'v')).toBe("set -gx A 'v'");
    expect(assignmentLine('powershell', 'A', 'v')).toBe("$env:A = 'v'");
    expect(assignmentLine('cmd', 'A', 'v')).toBe('set "A=v"');
  });

  it('quotes single quotes and backslashes the way each shell reads them', () => {
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(assignmentLine('sh', 'A', 'a\\b $x')).toBe("export A='a\\b $x'");
    expect(assignmentLine('fish', 'A', "it's a\\b")).toBe("set -gx A 'it\\'s a\\\\b'");
  });

  it('refuses a name that is not a portable variable name (nothing can be injected through it)', () => {
    for (const bad of ['', '1A', 'A-B', 'A B', 'A;rm', '$A']) {
      expect(() => assignmentLine('sh', bad, 'v'), bad).toThrow(ShellSyntaxError);
    }
  });
});

describe('unsetLines and commentLine', () => {
  it('unset in each shell', () => {
    expect(unsetLines('sh', ['A', 'B'])).toEqual(['unset A B']);
    expect(unsetLines('fish', ['A', 'B'])).toEqual(['set -e A B']);
    expect(unsetLines('sh', [])).toEqual([]);
  });

  it('a comment stays one line and, in cmd, holds no operator', () => {
    expect(commentLine('sh', 'a\nrm -rf /')).toBe('# a rm -rf /');
    expect(commentLine('cmd', 'a & b | c %X% "q"')).toBe('REM a   b   c  X   q ');
  });
});

describe('argumentWord (docker run flags)', () => {
  it('leaves plain words bare, so $(netlens env --docker) works without eval', () => {
    expect(argumentWord('sh', '--env=HTTP_PROXY=http://docker%231@host.docker.internal:8899')).toBe(
      '--env=HTTP_PROXY=http://docker%231@host.docker.internal:8899',
    );
  });

  it('quotes words with spaces or shell characters for that shell', () => {
    const volume =
      '--volume=/Users/a b/Library/Application Support/NetLens/ca-bundle.pem:/netlens/ca-bundle.pem:ro';
    expect(argumentWord('sh', volume)).toBe(`'${volume}'`);
    expect(argumentWord('fish', volume)).toBe(`'${volume}'`);
    expect(argumentWord('powershell', volume)).toBe(`'${volume}'`);
    expect(argumentWord('cmd', volume)).toBe(`"${volume}"`);
    // PowerShell would split on a comma and splat an @.
    expect(argumentWord('powershell', '--env=NO_PROXY=localhost,::1')).toBe("'--env=NO_PROXY=localhost,::1'");
    expect(() => argumentWord('cmd', '--env=A="x"')).toThrow(ShellSyntaxError);
  });
});
