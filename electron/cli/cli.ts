/**
 * The `netlens` command (DESIGN.md, "The command line"). A thin client of createEngine():
 * each command lives in its own file beside this one and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { registerProxyCommand } from './proxyCommand.js';
import { registerCaCommand } from './caCommand.js';
import { registerBrowserCommand } from './browserCommand.js';
import { registerWebCommand } from './webCommand.js';
import { registerProbeCommand } from './probeCommand.js';
import { registerPingCommand } from './pingCommand.js';
import { registerTraceCommand } from './traceCommand.js';
import { registerPortsCommand } from './portsCommand.js';
import { registerDiffCommand } from './diffCommand.js';
import { registerAppCommand } from './appCommand.js';
import { registerEnvCommand } from './envCommand.js';
import { registerShellCommand } from './shellCommand.js';
import { registerSystemProxyCommand } from './systemProxyCommand.js';
import { registerSessionsCommand } from './sessionsCommand.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { CliError } from './cliError.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('netlens')
    .description('NetLens: see and explain the network under your application.')
    .version(VERSION)
    .option(
      '--data-dir <dir>',
      'data directory (CA, settings, sessions); default $NETLENS_HOME or the OS config dir',
    )
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run `netlens --help` for usage)')
    .exitOverride();
  registerAppCommand(program);
  registerProxyCommand(program);
  registerWebCommand(program);
  registerProbeCommand(program);
  registerPingCommand(program);
  registerTraceCommand(program);
  registerPortsCommand(program);
  registerDiffCommand(program);
  registerCaCommand(program);
  registerEnvCommand(program);
  registerShellCommand(program);
  registerBrowserCommand(program);
  registerSystemProxyCommand(program);
  registerSessionsCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    const debug = argv.includes('--debug');
    if (error instanceof CliError) {
      console.error(`netlens: ${error.message}`);
      if (debug && error.cause) console.error(error.cause);
      process.exit(error.exitCode);
    }
    console.error(`netlens: ${error instanceof Error ? error.message : String(error)}`);
    if (debug) console.error(error);
    else console.error('Run again with --debug for details.');
    process.exit(1);
  }
}
