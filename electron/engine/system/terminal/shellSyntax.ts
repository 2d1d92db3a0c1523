/**
 * Environment assignments in each shell's own syntax, quoted so that any value (quotes, `$`,
 * backticks, spaces, newlines in a path) arrives byte for byte when the line is evaluated.
 */
import type { ShellKind } from '../../../../shared/terminal.js';

/** A value a shell cannot express (cmd has no way to write a newline or a `"` inside `set "…"`). */
export class ShellSyntaxError extends Error {
  readonly code = 'bad_value';
}

/** Environment variable names NetLens writes: portable in every shell, checked so none can inject. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new ShellSyntaxError(`"${name}" is not a portable environment variable name.`);
}

/**
 * POSIX sh single quotes (XCU §2.2.2): everything between them is literal, newlines included;
 * a single quote itself cannot appear inside, so it is written `'\''` (close, escaped quote, reopen).
 */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish single quotes: only `\\` and `\'` are escapes inside them; newlines are literal. */
export function fishQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * PowerShell verbatim strings: a quote is doubled. PowerShell also takes the typographic single
 * quotes U+2018–U+201B as quote characters (about_Quoting_Rules), so those are doubled too.
 */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

/**
 * cmd has no quoting that survives everything: inside `set "NAME=value"` the operators `& | < > ^`
 * are literal, but a `"` would end the quoted part and a line break ends the command. `%` is left
 * as it is: lines run through `for /f … do %i` are not percent-expanded again, and a lone `%`
 * typed at the prompt stays literal.
 */
function checkCmdValue(name: string, value: string): void {
  if (/["\r\n\0]/.test(value)) {
    throw new ShellSyntaxError(
      `The value of ${name} contains a quote or a line break, which cmd cannot set; use --shell powershell.`,
    );
  }
}

/** One line that sets `name` to `value` for this shell and the processes it starts. */
export function assignmentLine(shell: ShellKind, name: string, value: string): string {
  checkName(name);
  switch (shell) {
    case 'sh':
      return `export ${name}=${shQuote(value)}`;
    case 'fish':
      return `set -gx ${name} ${fishQuote(value)}`;
    case 'powershell':
      return `$env:${name} = ${powershellQuote(value)}`;
    case 'cmd':
      checkCmdValue(name, value);
      return `set "${name}=${value}"`;
  }
}

/** The lines that remove these variables from the shell's environment. */
export function unsetLines(shell: ShellKind, names: readonly string[]): string[] {
  names.forEach(checkName);
  if (names.length === 0) return [];
  switch (shell) {
    case 'sh':
      return [`unset ${names.join(' ')}`];
    case 'fish':
      return [`set -e ${names.join(' ')}`];
    case 'powershell':
      return names.map((name) => `Remove-Item -Path Env:${name} -ErrorAction SilentlyContinue`);
    case 'cmd':
      return names.map((name) => `set "${name}="`);
  }
}

/** A comment line; `text` is kept to one line so it can never turn into a command. */
export function commentLine(shell: ShellKind, text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return shell === 'cmd' ? `REM ${oneLine.replace(/[&|<>^%"]/g, ' ')}` : `# ${oneLine}`;
}

/**
 * Characters each shell passes through unchanged in an unquoted word. PowerShell treats `,` as an
 * array separator and `@` as splatting; cmd's built-ins split on `,`.
 */
const BARE_WORD: Record<ShellKind, RegExp> = {
  sh: /^[A-Za-z0-9_@%+=:,./-]+$/,
  fish: /^[A-Za-z0-9_@%+=:,./-]+$/,
  powershell: /^[A-Za-z0-9_+=:./-]+$/,
  cmd: /^[A-Za-z0-9_+=:./-]+$/,
};

/**
 * One command-line argument (a `docker run` flag) for this shell: left bare when it holds only
 * characters no shell treats specially, so `docker run $(netlens env --docker) IMAGE` works
 * unevaluated for such values; quoted otherwise.
 */
export function argumentWord(shell: ShellKind, value: string): string {
  if (BARE_WORD[shell].test(value)) return value;
  switch (shell) {
    case 'sh':
      return shQuote(value);
    case 'fish':
      return fishQuote(value);
    case 'powershell':
      return powershellQuote(value);
    case 'cmd':
      if (/["\r\n\0]/.test(value)) {
        throw new ShellSyntaxError(
          'A docker argument contains a quote or a line break, which cmd cannot pass.',
        );
      }
      return `"${value}"`;
  }
}
