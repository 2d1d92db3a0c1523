/**
 * `netlens shell [--proxy HOST:PORT] [--shell NAME|PATH] [-c SCRIPT | -- COMMAND ARGS…]`: starts
 * the user's shell (or one command) with the environment of `netlens env`, on a source port of
 * its own when a NetLens runs (so even clients that ignore proxy credentials are labelled
 * `terminal#N`), with `(netlens terminal#N)` in front of the prompt. Exiting it leaves the parent
 * shell as it was; the source port is released. The exit code is the shell's (or the command's).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_USAGE } from '../../shared/errors.js';
import { terminalEnvironment } from '../engine/system/terminal/terminalEnvironment.js';
import {
  defaultUserShell,
  prepareShellLaunch,
  type ShellRun,
} from '../engine/system/terminal/shellLaunch.js';
import { findExecutable } from '../engine/system/terminal/terminalEmulator.js';
import { CliError } from './cliError.js';
import { releaseListener, resolveTerminalTarget, unwritable, type TerminalTarget } from './terminalTarget.js';

interface ShellFlags {
  dataDir?: string;
  proxy?: string;
  shell?: string;
  command?: string;
}

export function shellRunOf(flags: ShellFlags, operands: string[]): ShellRun {
  if (flags.command !== undefined && operands.length > 0) {
    throw new CliError('Give either -c SCRIPT or -- COMMAND ARGS…, not both.', EXIT_USAGE);
  }
  if (flags.command !== undefined) return { kind: 'script', script: flags.command };
  if (operands.length > 0) return { kind: 'command', command: operands[0]!, args: operands.slice(1) };
  return { kind: 'interactive' };
}

export function registerShellCommand(program: Command): void {
  program
    .command('shell')
    .description('start your shell (or one command) with its traffic going through NetLens')
    .argument('[command...]', 'a command to run instead of an interactive shell (after --)')
    .option('--proxy <host:port>', 'the proxy (default: the running NetLens, else 127.0.0.1:8899)')
    .option('--shell <name|path>', 'the shell to start (default: $SHELL)')
    .option('-c, --command <script>', 'run SCRIPT with the shell and exit')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  netlens shell                                an interactive shell; `exit` leaves it',
        '  netlens shell -- curl https://example.com/   one command, no shell in between',
        "  netlens shell -c 'npm ci && npm test'        a script run by the shell",
        '',
        'Details: docs/terminal.md.',
      ].join('\n'),
    )
    .action(async (operands: string[], _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<ShellFlags>();
      const run = shellRunOf(flags, operands);
      const shell = flags.shell ?? defaultUserShell(process.env);
      const executable = run.kind === 'command' ? run.command : shell;
      if (!findExecutable(executable)) {
        throw new CliError(
          run.kind === 'command'
            ? `Cannot run ${executable}: no such program on PATH.`
            : `Cannot start the shell ${executable}: not found. Pass --shell with a shell's name or path.`,
          run.kind === 'command' ? 127 : 1,
        );
      }
      const warn = (line: string): void => void process.stderr.write(`netlens: ${line}\n`);
      const target = await resolveTerminalTarget(flags, {
        kind: 'terminal',
        listenerOwnerPid: process.pid,
        warn,
      });
      let code: number;
      try {
        code = await runShell(target, shell, run, warn);
      } finally {
        await releaseListener(target);
      }
      process.exitCode = code;
    });
}

async function runShell(
  target: TerminalTarget,
  shell: string,
  run: ShellRun,
  warn: (line: string) => void,
): Promise<number> {
  let launch;
  try {
    const setup = await terminalEnvironment({
      dataDir: target.dataDir,
      shell: 'sh',
      listenHost: target.proxy.host,
      port: target.proxy.port,
      source: target.source,
      ...(target.secret !== undefined ? { secret: target.secret } : {}),
      ...(target.listener ? { listenerUrl: target.listener.proxyUrl } : {}),
      caCertPath: target.caCertPath,
      caCertPem: target.caCertPem,
      env: process.env,
    });
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const variable of setup.variables) env[variable.name] = variable.value;
    launch = await prepareShellLaunch({ shell, env, source: target.source, dataDir: target.dataDir, run });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'bad_system_roots') throw new CliError((error as Error).message, 1);
    throw unwritable(target.dataDir, error);
  }
  for (const note of launch.notes) warn(note);
  if (run.kind === 'interactive') {
    const via = target.listener ? target.listener.proxyUrl : target.proxy.url;
    warn(
      `${path.basename(shell)} with its traffic through NetLens as ${target.source} (${via}); \`exit\` leaves it.`,
    );
  }

  const child = spawn(launch.command, launch.args, { stdio: 'inherit', env: launch.env });
  // Ctrl-C and Ctrl-\ reach the whole foreground process group: the shell (or command) decides
  // what they mean; this process must stay to release the source port afterwards.
  const ignore = (): void => undefined;
  const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const forwardTerm = forward('SIGTERM');
  const forwardHup = forward('SIGHUP');
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  process.on('SIGTERM', forwardTerm);
  process.on('SIGHUP', forwardHup);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new CliError(
            `Cannot start ${launch.command}: ${error.code === 'ENOENT' ? 'not found' : error.message}.`,
            error.code === 'ENOENT' ? 127 : 1,
          ),
        ),
      );
      // Killed by a signal: 128 + its number, as shells report it.
      child.once('exit', (code, signal) =>
        resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)),
      );
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
    process.off('SIGTERM', forwardTerm);
    process.off('SIGHUP', forwardHup);
  }
}
