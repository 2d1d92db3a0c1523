import type { Command } from 'commander';
import { CliError } from './cliError.js';

// Placeholder: this command is being built.
export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('netlens web is not available in this build yet.');
    });
}
