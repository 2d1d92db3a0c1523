/**
 * `netlens ca [--pem]` (DESIGN.md, "The command line"): the CA certificate's path and nothing
 * else on stdout, creating the CA on first use, so `curl --cacert "$(netlens ca)"` works; with
 * --pem, the certificate itself. The private key is never printed.
 *
 * `netlens ca --install [--store user|nss|firefox|system|all] | --uninstall | --status [--json]`
 * (DESIGN.md, Interception): trusts the CA in the OS's and browsers' stores, removes it, or says
 * where it is trusted. What each store means per OS: shared/caTrust.ts and docs/ca-trust.md.
 */
import type { Command } from 'commander';
import { CA_STORES, type CaStore, type CaStoreChange, type CaTrustStatus } from '../../shared/caTrust.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { CliError } from './cliError.js';

export interface CaCommandResult {
  certPath: string;
  certPem: string;
}

interface CaFlags {
  dataDir?: string;
  pem?: boolean;
  install?: boolean;
  uninstall?: boolean;
  status?: boolean;
  store?: string;
  json?: boolean;
  dryRun?: boolean;
}

/** What `netlens ca` prints for these flags (one trailing newline, nothing else). */
export function caOutput(ca: CaCommandResult, pem: boolean): string {
  if (pem) return ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`;
  return `${ca.certPath}\n`;
}

/** The store table of `--status`: one line per store, what to know after it. */
export function caStatusText(status: CaTrustStatus): string {
  const lines = [`NetLens CA  ${status.caCertPath}`, `SHA-256     ${status.caFingerprint256}`, ''];
  const rows = status.stores.map((store) => ({
    store: store.store,
    trusted: store.trusted ? 'yes' : store.available ? 'no' : '-',
    location: store.location,
    reason: store.reason,
  }));
  const storeWidth = Math.max('STORE'.length, ...rows.map((row) => row.store.length));
  lines.push(`${'STORE'.padEnd(storeWidth)}  TRUSTED  WHERE`);
  for (const row of rows) {
    lines.push(
      `${row.store.padEnd(storeWidth)}  ${row.trusted.padEnd(7)}  ${row.location}${row.reason ? `  (${row.reason})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line per selected store: what --install / --uninstall did to it. */
export function caChangesText(changes: readonly CaStoreChange[]): string {
  const storeWidth = Math.max(...changes.map((change) => change.store.length), 5);
  return changes
    .map(
      (change) =>
        `${change.outcome.padEnd(9)}  ${change.store.padEnd(storeWidth)}  ${change.location}${change.message ? `  (${change.message})` : ''}\n`,
    )
    .join('');
}

/** Whether a change run went well enough to exit 0, and the one-line error otherwise. */
export function caChangeProblem(
  changes: readonly CaStoreChange[],
  action: 'install' | 'uninstall',
): string | undefined {
  const failed = changes.filter((change) => change.outcome === 'failed');
  if (failed.length > 0) {
    const done = storeNames(
      changes.filter((change) => change.outcome === 'installed' || change.outcome === 'removed'),
    );
    const doneText = done
      ? ` It was ${action === 'install' ? 'installed into' : 'removed from'} ${done}.`
      : '';
    return `The CA could not be ${action === 'install' ? 'installed into' : 'removed from'} ${failed.map((c) => `${c.store} (${c.location})`).join(', ')}: see above.${doneText}`;
  }
  const usable = changes.filter((change) => change.outcome !== 'skipped');
  if (usable.length === 0) {
    const reasons = [...new Set(changes.map((change) => change.message).filter(Boolean))];
    return `No store could be changed: ${reasons.join(' ') || 'none is available here.'}`;
  }
  return undefined;
}

/** `nss, firefox (2)`: each kind of store once, with how many when more than one. */
function storeNames(changes: readonly CaStoreChange[]): string {
  const counts = new Map<string, number>();
  for (const change of changes) counts.set(change.store, (counts.get(change.store) ?? 0) + 1);
  return [...counts].map(([store, count]) => (count > 1 ? `${store} (${count})` : store)).join(', ');
}

function parseStoreFlag(value: string | undefined): CaStore {
  if (value === undefined) return 'user';
  if ((CA_STORES as readonly string[]).includes(value)) return value as CaStore;
  throw new CliError(`--store must be one of ${CA_STORES.join(', ')}, got "${value}".`, EXIT_USAGE);
}

function checkFlags(flags: CaFlags): 'print' | 'install' | 'uninstall' | 'status' {
  const actions = (['install', 'uninstall', 'status'] as const).filter((name) => flags[name] === true);
  if (actions.length > 1) {
    throw new CliError(
      `Use one of --install, --uninstall and --status, not ${actions.map((a) => `--${a}`).join(' and ')}.`,
      EXIT_USAGE,
    );
  }
  const action = actions[0] ?? 'print';
  if (action === 'print') {
    const stray = (['store', 'json', 'dryRun'] as const).find((name) => flags[name] !== undefined);
    if (stray) {
      const flag = stray === 'dryRun' ? '--dry-run' : `--${stray}`;
      throw new CliError(`${flag} goes with --install, --uninstall or --status.`, EXIT_USAGE);
    }
  } else if (flags.pem) {
    throw new CliError(`--pem prints the certificate; it does not go with --${action}.`, EXIT_USAGE);
  }
  if (action === 'status' && flags.dryRun)
    throw new CliError('--dry-run goes with --install or --uninstall.', EXIT_USAGE);
  return action;
}

/** Under `sudo`, the CA of the user who ran it (HOME is root's): never created there, only read. */
async function sudoUserCa(flags: CaFlags): Promise<CaCommandResult | undefined> {
  if (
    flags.dataDir ||
    process.env.NETLENS_HOME ||
    typeof process.getuid !== 'function' ||
    process.getuid() !== 0
  )
    return undefined;
  const [{ invokingUserHome, defaultDataDirFor }, { caPaths }, fs] = await Promise.all([
    import('../engine/system/caTrust/sudoInvoker.js'),
    import('../engine/tls/certificateAuthority.js'),
    import('node:fs'),
  ]);
  let passwd: string | undefined;
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    passwd = undefined;
  }
  const home = invokingUserHome(process.env, passwd);
  if (!home) return undefined;
  const dataDir = defaultDataDirFor(home, process.platform);
  const { certPath } = caPaths(dataDir);
  try {
    return { certPath, certPem: fs.readFileSync(certPath, 'utf8') };
  } catch {
    throw new CliError(
      `No NetLens CA in ${dataDir} yet: run \`netlens ca\` as ${process.env.SUDO_USER} (without sudo) first, or pass --data-dir.`,
      1,
    );
  }
}

async function trustAction(
  action: 'install' | 'uninstall' | 'status',
  flags: CaFlags,
  ca: CaCommandResult,
): Promise<void> {
  const [{ caIdentityOf }, stores, { systemTrustEnvironment }] = await Promise.all([
    import('../engine/system/caTrust/caIdentity.js'),
    import('../engine/system/caTrust/caTrustStores.js'),
    import('../engine/system/caTrust/trustEnvironment.js'),
  ]);
  const identity = caIdentityOf(ca.certPem, ca.certPath);
  const env = systemTrustEnvironment();
  if (action === 'status') {
    const status = await stores.caTrustStatus(
      env,
      identity,
      flags.store === undefined ? 'all' : parseStoreFlag(flags.store),
    );
    process.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : caStatusText(status));
    return;
  }
  const selection = parseStoreFlag(flags.store);
  if (flags.dryRun) {
    const plan = await stores.planCaTrust(env, identity, action, selection);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      return;
    }
    for (const entry of plan) {
      process.stdout.write(`${entry.store}  ${entry.location}${entry.note ? `: ${entry.note}` : ''}\n`);
      for (const step of entry.steps) process.stdout.write(`  ${step}\n`);
    }
    return;
  }
  const result = await stores.changeCaTrust(env, identity, action, selection);
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : caChangesText(result.changes));
  const problem = caChangeProblem(result.changes, action);
  if (problem) throw new CliError(problem, 1);
  const changed = (kind: string) =>
    result.changes.some((c) => c.store === kind && (c.outcome === 'installed' || c.outcome === 'removed'));
  if (!flags.json && changed('firefox'))
    process.stderr.write('netlens: restart Firefox for it to take effect.\n');
  if (!flags.json && changed('nss'))
    process.stderr.write('netlens: restart Chromium, Chrome, Edge or Brave for it to take effect.\n');
}

export function registerCaCommand(program: Command): void {
  program
    .command('ca')
    .description(
      'print the path of the NetLens CA certificate (created on first use); --pem prints it; --install trusts it',
    )
    .option('--pem', 'print the certificate (PEM) instead of its path')
    .option('--install', 'trust the CA in the stores of --store (default: user)')
    .option('--uninstall', 'remove the CA from the stores of --store (default: user)')
    .option('--status', 'say where the CA is trusted (every store, or those of --store)')
    .option(
      '--store <store>',
      `${CA_STORES.join('|')}: user = Linux: NSS + Firefox profiles, macOS: login keychain, Windows: user Root store`,
    )
    .option('--json', 'with --status, --install or --uninstall: JSON')
    .option('--dry-run', 'with --install or --uninstall: print the commands instead of running them')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  curl -x http://127.0.0.1:8899 --cacert "$(netlens ca)" https://example.com/',
        '  REQUESTS_CA_BUNDLE="$(netlens ca)" HTTPS_PROXY=http://127.0.0.1:8899 python3 app.py',
        '  NODE_EXTRA_CA_CERTS="$(netlens ca)" HTTPS_PROXY=http://127.0.0.1:8899 node app.js',
        '  netlens ca --install                  # Chromium/Chrome (NSS) and Firefox on Linux; keychain on macOS',
        '  sudo netlens ca --install --store system',
        '  netlens ca --status',
      ].join('\n'),
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<CaFlags>();
      const action = checkFlags(flags);
      if (flags.store !== undefined) parseStoreFlag(flags.store);
      const [{ loadOrCreateCA }, { resolveDataDir }] = await Promise.all([
        import('../engine/tls/certificateAuthority.js'),
        import('../engine/system/dataDir.js'),
      ]);
      let ca = action === 'print' ? undefined : await sudoUserCa(flags);
      if (!ca) {
        const dataDir = resolveDataDir(flags.dataDir);
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
      }
      if (action === 'print') {
        process.stdout.write(caOutput(ca, flags.pem === true));
        return;
      }
      await trustAction(action, flags, ca);
    });
}
