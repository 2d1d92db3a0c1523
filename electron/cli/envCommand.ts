/**
 * `netlens env [--proxy HOST:PORT] [--shell sh|fish|powershell|cmd] [--docker] [--unset]`: the
 * lines that point a terminal's command-line clients at NetLens, for the shell to evaluate
 * (`eval "$(netlens env)"`); `--docker`, the `docker run` flags doing the same for a container;
 * `--unset`, the lines that undo it. Only the lines go to stdout; notes go to stderr.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_USAGE } from '../../shared/errors.js';
import { shellKindOf, type ShellKind } from '../../shared/terminal.js';
import { terminalEnvironment, unsetSetup } from '../engine/system/terminal/terminalEnvironment.js';
import { CliError } from './cliError.js';
import { resolveTerminalTarget, unwritable } from './terminalTarget.js';

interface EnvFlags {
  dataDir?: string;
  proxy?: string;
  shell?: string;
  docker?: boolean;
  unset?: boolean;
}

/** `--shell NAME`, else the syntax of $SHELL, else PowerShell on Windows and sh elsewhere. */
export function envShellKind(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  warn: (line: string) => void,
): ShellKind {
  if (flag !== undefined) {
    const kind = shellKindOf(flag);
    if (!kind) {
      throw new CliError(
        `Unknown shell "${flag}" for --shell: use sh (also bash, zsh, dash, ksh), fish, powershell (pwsh) or cmd.`,
        EXIT_USAGE,
      );
    }
    return kind;
  }
  if (env.SHELL && env.SHELL.trim() !== '') {
    const name = path.basename(env.SHELL);
    const kind = shellKindOf(name);
    if (kind) return kind;
    warn(
      `$SHELL is ${name}, which netlens env has no syntax for: printing sh syntax. ` +
        '`netlens shell` works with any shell.',
    );
    return 'sh';
  }
  return platform === 'win32' ? 'powershell' : 'sh';
}

export function registerEnvCommand(program: Command): void {
  program
    .command('env')
    .description('print the lines that point this terminal at NetLens (eval them), or docker run flags')
    .option('--proxy <host:port>', 'the proxy (default: the running NetLens, else 127.0.0.1:8899)')
    .option('--shell <name>', 'syntax: sh (bash, zsh, dash), fish, powershell or cmd (default: from $SHELL)')
    .option('--docker', 'print `docker run` flags instead (proxy via host.docker.internal, CA mounted)')
    .option('--unset', 'print the lines that undo `netlens env`')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  eval "$(netlens env)"                        bash, zsh, sh',
        '  netlens env --shell fish | source            fish',
        '  netlens env --shell powershell | Out-String | Invoke-Expression',
        '  eval "$(netlens env --unset)"                undo',
        '  eval "docker run $(netlens env --docker) alpine wget -qO- https://example.com"',
        '',
        'Details: docs/terminal.md. `netlens shell` starts a configured shell instead.',
      ].join('\n'),
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<EnvFlags>();
      const warn = (line: string): void => void process.stderr.write(`netlens: ${line}\n`);
      const shell = envShellKind(flags.shell, process.env, process.platform, warn);
      if (flags.unset && flags.docker) {
        throw new CliError('--unset and --docker cannot be combined.', EXIT_USAGE);
      }
      if (flags.unset) {
        process.stdout.write(`${unsetSetup(shell).lines.join('\n')}\n`);
        return;
      }
      const docker = flags.docker === true;
      const target = await resolveTerminalTarget(flags, { kind: docker ? 'docker' : 'terminal', warn });
      let setup;
      try {
        setup = await terminalEnvironment({
          dataDir: target.dataDir,
          shell,
          listenHost: target.proxy.host,
          port: target.proxy.port,
          source: target.source,
          ...(target.secret !== undefined ? { secret: target.secret } : {}),
          caCertPath: target.caCertPath,
          caCertPem: target.caCertPem,
          env: process.env,
          docker,
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'bad_value' || code === 'bad_system_roots')
          throw new CliError((error as Error).message, 1);
        throw unwritable(target.dataDir, error);
      }
      for (const note of setup.notes) warn(note);
      process.stdout.write(`${setup.lines.join('\n')}\n`);
    });
}
