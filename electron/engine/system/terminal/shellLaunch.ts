/**
 * How `netlens shell` starts the user's shell: with NetLens's environment, and a visible marker
 * `(netlens terminal#3)` in front of the prompt so the user knows which terminal is captured.
 * The shell's own start-up files still run (bash: an rcfile that reads ~/.bashrc first; zsh: a
 * ZDOTDIR that hands back to the user's; fish: an init command run after config.fish), and the
 * marker is re-applied before each prompt so themes that rebuild the prompt (starship, oh-my-zsh)
 * keep it. Nothing is changed in the parent shell: the environment lives in the child only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../atomicFileWrite.js';

export type ShellFamily = 'bash' | 'zsh' | 'fish' | 'posix' | 'powershell' | 'cmd' | 'other';

/** The variable the start-up files read the label from (also useful in the user's own scripts). */
export const SOURCE_VARIABLE = 'NETLENS_SOURCE';

/** Where the start-up files live: DATA/terminal/. */
export const SHELL_FILES_DIR = 'terminal';

const POSIX_SHELLS = new Set([
  'sh',
  'dash',
  'ash',
  'ksh',
  'ksh93',
  'mksh',
  'pdksh',
  'oksh',
  'yash',
  'posh',
  'busybox',
]);

export function shellFamily(shell: string): ShellFamily {
  const base = path
    .basename(shell.replace(/\\/g, '/'))
    .toLowerCase()
    .replace(/\.exe$/, '');
  if (base === 'bash') return 'bash';
  if (base === 'zsh') return 'zsh';
  if (base === 'fish') return 'fish';
  if (base === 'pwsh' || base === 'powershell') return 'powershell';
  if (base === 'cmd') return 'cmd';
  if (POSIX_SHELLS.has(base)) return 'posix';
  return 'other';
}

/** The user's shell: $SHELL, else PowerShell on Windows, else /bin/sh. */
export function defaultUserShell(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SHELL && env.SHELL.trim() !== '') return env.SHELL;
  if (platform === 'win32') return 'powershell.exe';
  return '/bin/sh';
}

export function promptMarker(source: string): string {
  return `(netlens ${source}) `;
}

/** bash: read ~/.bashrc as an interactive bash would, then mark the prompt before each display. */
export const BASH_RC = `# NetLens (netlens shell): your ~/.bashrc, then a marker in front of the prompt.
if [ -f /etc/bash.bashrc ]; then . /etc/bash.bashrc; fi
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
__netlens_prompt() {
  local status=$?
  case "$PS1" in
    "(netlens "*) ;;
    *) PS1="(netlens \${${SOURCE_VARIABLE}:-}) $PS1" ;;
  esac
  return $status
}
# Last, so a PROMPT_COMMAND that rebuilds PS1 (starship, powerline) does not drop the marker.
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  PROMPT_COMMAND+=(__netlens_prompt)
else
  PROMPT_COMMAND="\${PROMPT_COMMAND:+$PROMPT_COMMAND
}__netlens_prompt"
fi
`;

/**
 * zsh reads .zshenv and .zshrc from $ZDOTDIR. Ours hands over to the user's own (their
 * ZDOTDIR, else HOME, as set before or by their .zshenv), then marks the prompt.
 */
export const ZSH_ENV = `# NetLens (netlens shell): hand over to your own .zshenv, then come back for .zshrc.
__netlens_zdotdir="$ZDOTDIR"
if [[ -n "\${NETLENS_USER_ZDOTDIR+x}" ]]; then ZDOTDIR="$NETLENS_USER_ZDOTDIR"; else unset ZDOTDIR; fi
unset NETLENS_USER_ZDOTDIR
[[ -f "\${ZDOTDIR:-$HOME}/.zshenv" ]] && source "\${ZDOTDIR:-$HOME}/.zshenv"
if [[ -o interactive ]]; then
  __netlens_user_zdotdir_set="\${ZDOTDIR+x}"
  __netlens_user_zdotdir="\${ZDOTDIR-}"
  ZDOTDIR="$__netlens_zdotdir"
fi
unset __netlens_zdotdir
`;

export const ZSH_RC = `# NetLens (netlens shell): your .zshrc, then a marker in front of the prompt.
if [[ -n "$__netlens_user_zdotdir_set" ]]; then ZDOTDIR="$__netlens_user_zdotdir"; else unset ZDOTDIR; fi
unset __netlens_user_zdotdir __netlens_user_zdotdir_set
[[ -f "\${ZDOTDIR:-$HOME}/.zshrc" ]] && source "\${ZDOTDIR:-$HOME}/.zshrc"
__netlens_prompt() {
  [[ "$PROMPT" == "(netlens "* ]] || PROMPT="(netlens \${${SOURCE_VARIABLE}:-}) $PROMPT"
}
typeset -ga precmd_functions
precmd_functions+=(__netlens_prompt)
`;

/** fish: run after config.fish; wraps fish_prompt, keeping $status for the user's prompt. */
export const FISH_INIT = [
  'if functions -q fish_prompt; functions --copy fish_prompt __netlens_user_prompt; end',
  'function __netlens_status; return $argv[1]; end',
  'function fish_prompt; set -l last $status',
  `printf '(netlens %s) ' $${SOURCE_VARIABLE}`,
  'if functions -q __netlens_user_prompt; __netlens_status $last; __netlens_user_prompt; end; end',
].join('; ');

/** PowerShell: wraps the prompt function for this session. */
export const POWERSHELL_INIT =
  '$global:__netlensUserPrompt = $function:prompt; ' +
  `function global:prompt { "(netlens $env:${SOURCE_VARIABLE}) " + (& $global:__netlensUserPrompt) }`;

export type ShellRun =
  /** An interactive shell (the default). */
  | { kind: 'interactive' }
  /** `netlens shell -c SCRIPT`: the shell runs the script and exits. */
  | { kind: 'script'; script: string }
  /** `netlens shell -- CMD ARGS…`: the command runs directly, no shell in between. */
  | { kind: 'command'; command: string; args: string[] };

export interface ShellLaunchInput {
  /** The shell: a path or a name on PATH. */
  shell: string;
  /** The environment the shell gets (the user's plus NetLens's variables). */
  env: NodeJS.ProcessEnv;
  source: string;
  dataDir: string;
  run: ShellRun;
}

export interface ShellLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Things to tell the user (no prompt marker for this shell...). */
  notes: string[];
}

export async function prepareShellLaunch(input: ShellLaunchInput): Promise<ShellLaunch> {
  const env: NodeJS.ProcessEnv = { ...input.env, [SOURCE_VARIABLE]: input.source };
  // Set when the app starts the CLI through Electron's binary; inherited by the shell, it would
  // turn every Electron app started from it (VS Code…) into a bare Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const family = shellFamily(input.shell);
  const run = input.run;
  if (run.kind === 'command') return { command: run.command, args: run.args, env, notes: [] };
  if (run.kind === 'script') {
    const args =
      family === 'powershell'
        ? ['-NoLogo', '-NoProfile', '-Command', run.script]
        : family === 'cmd'
          ? ['/d', '/s', '/c', run.script]
          : ['-c', run.script];
    return { command: input.shell, args, env, notes: [] };
  }

  const dir = path.join(input.dataDir, SHELL_FILES_DIR);
  switch (family) {
    case 'bash': {
      const rc = path.join(dir, 'bashrc');
      await writeIfChanged(rc, BASH_RC);
      return { command: input.shell, args: ['--rcfile', rc, '-i'], env, notes: [] };
    }
    case 'zsh': {
      const zdotdir = path.join(dir, 'zsh');
      await writeIfChanged(path.join(zdotdir, '.zshenv'), ZSH_ENV);
      await writeIfChanged(path.join(zdotdir, '.zshrc'), ZSH_RC);
      if (input.env.ZDOTDIR !== undefined) env.NETLENS_USER_ZDOTDIR = input.env.ZDOTDIR;
      else delete env.NETLENS_USER_ZDOTDIR;
      env.ZDOTDIR = zdotdir;
      return { command: input.shell, args: ['-i'], env, notes: [] };
    }
    case 'fish':
      return { command: input.shell, args: ['--init-command', FISH_INIT, '-i'], env, notes: [] };
    case 'powershell':
      return {
        command: input.shell,
        args: ['-NoLogo', '-NoExit', '-Command', POWERSHELL_INIT],
        env,
        notes: [],
      };
    case 'cmd':
      env.PROMPT = `${promptMarker(input.source)}${input.env.PROMPT ?? '$P$G'}`;
      return { command: input.shell, args: [], env, notes: [] };
    case 'posix': {
      // sh, dash, ksh: an interactive shell takes PS1 from the environment.
      const fallback = process.getuid?.() === 0 ? '# ' : '$ ';
      env.PS1 = `${promptMarker(input.source)}${input.env.PS1 ?? fallback}`;
      return { command: input.shell, args: ['-i'], env, notes: [] };
    }
    case 'other':
      return {
        command: input.shell,
        args: [],
        env,
        notes: [
          `${path.basename(input.shell)} gets the NetLens environment but no prompt marker ($${SOURCE_VARIABLE} names the source).`,
        ],
      };
  }
}

/** Writes a start-up file when its content differs (atomically, so a starting shell never reads half). */
async function writeIfChanged(file: string, text: string): Promise<void> {
  const current = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return;
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomically(file, async (handle) => {
    await handle.chmod(0o644);
    await handle.writeFile(text);
  });
}
