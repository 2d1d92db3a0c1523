/**
 * Terminal set-up (`netlens env`, `netlens shell`, the Intercept view's terminal and Docker
 * cards): the environment that points command-line clients at NetLens, in a shell's syntax.
 */

/** The syntaxes `netlens env` writes: sh covers bash, zsh, dash, ksh; powershell covers pwsh. */
export type ShellKind = 'sh' | 'fish' | 'powershell' | 'cmd';

export const SHELL_KINDS: readonly ShellKind[] = ['sh', 'fish', 'powershell', 'cmd'];

/** Names a user may type for a syntax (`--shell bash` means sh). */
const SHELL_ALIASES: Readonly<Record<string, ShellKind>> = {
  sh: 'sh',
  bash: 'sh',
  zsh: 'sh',
  dash: 'sh',
  ksh: 'sh',
  mksh: 'sh',
  ash: 'sh',
  posix: 'sh',
  fish: 'fish',
  powershell: 'powershell',
  pwsh: 'powershell',
  cmd: 'cmd',
};

/** `bash` → `sh`, `pwsh` → `powershell`; undefined for a shell NetLens has no syntax for. */
export function shellKindOf(name: string): ShellKind | undefined {
  return SHELL_ALIASES[name.trim().toLowerCase()];
}

export interface TerminalEnvOptions {
  /** `docker run` flags instead of shell lines (the source is then `docker#N`). */
  docker?: boolean;
  /** The lines that undo `netlens env` in this shell. */
  unset?: boolean;
}

/** One variable NetLens sets, with why (shown in the docs and the Intercept view). */
export interface TerminalVariable {
  name: string;
  value: string;
  why: string;
}

export interface TerminalSetup {
  shell: ShellKind;
  /** Lines to paste or eval in that shell (for Docker: one line of `docker run` arguments). */
  lines: string[];
  /** The source label the terminal's traffic carries (`terminal#3`, `docker#4`; empty for unset). */
  source: string;
  /** The proxy URL clients are given, credentials included (empty for unset). */
  proxyUrl: string;
  /** What the lines set (empty for unset). */
  variables: TerminalVariable[];
  /** Things the user should know (the proxy is unreachable from a container...), one sentence each. */
  notes: string[];
}
