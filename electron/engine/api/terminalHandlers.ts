/**
 * The terminal channels of the Intercept view: `terminal:env` (the lines of `netlens env` for a
 * shell, or the `docker run` flags, to show with a copy button) and `terminal:open` (a terminal
 * window running `netlens shell` against this NetLens).
 */
import fs from 'node:fs';
import { SHELL_KINDS, type ShellKind, type TerminalEnvOptions } from '../../../shared/terminal.js';
import type { Engine } from '../engine.js';
import { terminalEnvironment, unsetSetup } from '../system/terminal/terminalEnvironment.js';
import {
  emulatorSearchOrder,
  findTerminalEmulator,
  graphicalSessionProblem,
  launchEmulator,
} from '../system/terminal/terminalEmulator.js';
import { currentCliInvocation, type CliInvocation } from '../system/terminal/netlensCommand.js';
import type { SystemRootsOptions } from '../system/terminal/systemRoots.js';
import { ApiFailure } from './apiFailure.js';
import { ArgumentError, argList, booleanArg, enumArg, objectArg } from './apiArguments.js';
import type { HandlerTable } from './handlerTable.js';

export interface TerminalHandlerOptions {
  /** How to start the `netlens` CLI (default: this process's own, see netlensCommand.ts). */
  cli?: CliInvocation;
  /** The environment terminals start from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** How long `terminal:open` waits for the new shell to register its source port. */
  openTimeoutMs?: number;
  roots?: SystemRootsOptions;
}

export function parseTerminalEnvOptions(value: unknown): TerminalEnvOptions {
  if (value === undefined) return {};
  const raw = objectArg(value, 'options', ['docker', 'unset']);
  const options: TerminalEnvOptions = {};
  if (raw.docker !== undefined) options.docker = booleanArg(raw.docker, 'options.docker');
  if (raw.unset !== undefined) options.unset = booleanArg(raw.unset, 'options.unset');
  if (options.docker && options.unset)
    throw new ArgumentError('options.docker and options.unset cannot be combined');
  return options;
}

export function terminalHandlers(
  engine: Engine,
  options: TerminalHandlerOptions = {},
): Partial<HandlerTable> {
  const env = options.env ?? process.env;
  // One label per kind for lines copied from the app: showing the card twice must not count up.
  const labels = new Map<string, string>();
  const labelFor = (kind: string): string => {
    let label = labels.get(kind);
    if (label === undefined) {
      label = engine.sources.label(kind);
      labels.set(kind, label);
    }
    return label;
  };

  return {
    'terminal:env': {
      parse: (args) => {
        const [shell, raw] = argList(args, 1, 2);
        return [enumArg(shell, 'shell', SHELL_KINDS), parseTerminalEnvOptions(raw)] as [
          ShellKind,
          TerminalEnvOptions,
        ];
      },
      handle: async (shell, envOptions = {}) => {
        if (envOptions.unset) return unsetSetup(shell);
        const address = engine.address();
        if (!address) throw new ApiFailure('unavailable', 'The proxy is not listening yet.');
        const kind = envOptions.docker ? 'docker' : 'terminal';
        const { bundle: _bundle, ...setup } = await terminalEnvironment({
          dataDir: engine.dataDir,
          shell,
          listenHost: address.host,
          port: address.port,
          source: labelFor(kind),
          ...(engine.proxySecret !== undefined ? { secret: engine.proxySecret } : {}),
          caCertPath: engine.caCertPath,
          caCertPem: await fs.promises.readFile(engine.caCertPath, 'utf8'),
          env,
          docker: envOptions.docker === true,
          ...(options.roots ? { roots: options.roots } : {}),
        });
        return setup;
      },
    },
    'terminal:open': {
      parse: (args) => argList(args, 0) as [],
      handle: async () => {
        const cli = options.cli ?? currentCliInvocation();
        if (!cli)
          throw new ApiFailure(
            'unsupported',
            'This NetLens cannot locate its command line to run `netlens shell`.',
          );
        const platform = options.platform ?? process.platform;
        const command = [cli.command, ...cli.args, '--data-dir', engine.dataDir, 'shell'];
        const noWindow = graphicalSessionProblem(platform, env);
        if (noWindow)
          throw new ApiFailure('unsupported', `${noWindow} Run \`netlens shell\` in your terminal.`);
        const launch = findTerminalEmulator(command, { platform, env });
        if (!launch) {
          throw new ApiFailure(
            'not_found',
            `No terminal emulator found (looked for ${emulatorSearchOrder(platform, env).join(', ')} on PATH). ` +
              'Set $TERMINAL to yours, or run `netlens shell` in a terminal.',
          );
        }
        const before = new Set(engine.sources.list().map((source) => source.source));
        const emulator = await launchEmulator(launch, { ...env, ...cli.env });
        let exitCode: number | null | undefined;
        void emulator.exited.then((code) => (exitCode = code));
        // The window's `netlens shell` asks this NetLens for a source port of its own; its label
        // is the answer. Emulators that hand the window to a server (gnome-terminal) exit at
        // once, so the wait is for the port, not for this pid.
        const deadline = Date.now() + (options.openTimeoutMs ?? 15_000);
        while (Date.now() < deadline) {
          const opened = engine.sources
            .list()
            .find(
              (source) =>
                !before.has(source.source) && source.source.startsWith('terminal#') && source.ownerPid,
            );
          if (opened) return { pid: emulator.pid, source: opened.source };
          if (exitCode !== undefined && exitCode !== 0) {
            throw new ApiFailure(
              'terminal_failed',
              `${launch.name} exited with code ${exitCode ?? 'unknown'} before its \`netlens shell\` started. Run \`netlens shell\` in a terminal instead.`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new ApiFailure(
          'timeout',
          `${launch.name} started (pid ${emulator.pid}), but no \`netlens shell\` reached this NetLens within ` +
            `${Math.round((options.openTimeoutMs ?? 15_000) / 1000)} s. Run \`netlens shell\` in a terminal instead.`,
        );
      },
    },
  };
}
