/**
 * `netlens ca [--pem]` (DESIGN.md, "The command line"): the CA certificate's path and nothing
 * else on stdout, creating the CA on first use, so `curl --cacert "$(netlens ca)"` works; with
 * --pem, the certificate itself. The private key is never printed.
 */
import type { Command } from 'commander';
import { CliError } from './cliError.js';

export interface CaCommandResult {
  certPath: string;
  certPem: string;
}

/** What `netlens ca` prints for these flags (one trailing newline, nothing else). */
export function caOutput(ca: CaCommandResult, pem: boolean): string {
  if (pem) return ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`;
  return `${ca.certPath}\n`;
}

export function registerCaCommand(program: Command): void {
  program
    .command('ca')
    .description('print the path of the NetLens CA certificate (created on first use); --pem prints it')
    .option('--pem', 'print the certificate (PEM) instead of its path')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  curl -x http://127.0.0.1:8899 --cacert "$(netlens ca)" https://example.com/',
        '  REQUESTS_CA_BUNDLE="$(netlens ca)" HTTPS_PROXY=http://127.0.0.1:8899 python3 app.py',
        '  NODE_EXTRA_CA_CERTS="$(netlens ca)" HTTPS_PROXY=http://127.0.0.1:8899 node app.js',
      ].join('\n'),
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<{ dataDir?: string; pem?: boolean }>();
      const [{ loadOrCreateCA }, { resolveDataDir }] = await Promise.all([
        import('../engine/tls/certificateAuthority.js'),
        import('../engine/system/dataDir.js'),
      ]);
      const dataDir = resolveDataDir(flags.dataDir);
      let ca: CaCommandResult;
      try {
        ca = await loadOrCreateCA(dataDir);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new CliError(
          `Cannot load or create the CA in ${dataDir}: ${reason}\nCheck that the folder is writable, or pass --data-dir.`,
          1,
          { cause: error },
        );
      }
      process.stdout.write(caOutput(ca, flags.pem === true));
    });
}
