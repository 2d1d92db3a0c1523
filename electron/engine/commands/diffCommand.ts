import type { Command } from 'commander';
import { CliError } from './cliError.js';

// Placeholder: this command is being built.
export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('netlens diff is not available in this build yet.');
    });
}
