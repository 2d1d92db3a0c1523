import type { Command } from 'commander';
import { CliError } from './cliError.js';

// Placeholder: this command is being built.
export function registerProbeCommand(program: Command): void {
  program
    .command('probe')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('netlens probe is not available in this build yet.');
    });
}
