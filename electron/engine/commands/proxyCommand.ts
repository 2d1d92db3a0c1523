import type { Command } from 'commander';
import { CliError } from './cliError.js';

// Placeholder: this command is being built.
export function registerProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('netlens proxy is not available in this build yet.');
    });
}
