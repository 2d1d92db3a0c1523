import type { Command } from 'commander';
import { CliError } from './cliError.js';

// Placeholder: this command is being built.
export function registerCaCommand(program: Command): void {
  program
    .command('ca')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('netlens ca is not available in this build yet.');
    });
}
