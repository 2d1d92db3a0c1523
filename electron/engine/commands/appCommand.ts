import type { Command } from 'commander';
import { CliError } from './cliError.js';

// Placeholder: this command is being built.
export function registerAppCommand(program: Command): void {
  program
    .command('app', { isDefault: true })
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('netlens app is not available in this build yet.');
    });
}
