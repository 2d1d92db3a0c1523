/**
 * What `netlens env` and `netlens shell` both need before they print or start anything: the
 * proxy (checked to be listening), the data directory's CA, a source label from the running
 * NetLens (or a source port of its own, for `netlens shell`), and the proxy secret when the
 * proxy asks for one. Every failure is a CliError that says what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../engine/system/dataDir.js';
import { PROXY_SECRET_FILE, loadOrCreateProxySecret } from '../engine/system/proxySecret.js';
import { checkProxyListening } from '../engine/system/terminal/proxyListening.js';
import { isLoopbackHost } from '../../shared/address.js';
import { CliError } from './cliError.js';
import { controlRequest, resolveProxyTarget, type ProxyTarget } from './runningNetlens.js';

export interface TerminalTargetFlags {
  dataDir?: string;
  proxy?: string;
}

export interface TerminalTarget {
  dataDir: string;
  proxy: ProxyTarget;
  /** `terminal#3`, or the plain kind when no running NetLens numbered it. */
  source: string;
  /** A source port of this client's own (`netlens shell` with a running NetLens). */
  listener?: { source: string; proxyUrl: string };
  secret?: string;
  caCertPath: string;
  caCertPem: string;
}

export interface TerminalTargetOptions {
  /** `terminal` or `docker`. */
  kind: string;
  /** Ask for a source port owned by this process (released at exit, or when it dies). */
  listenerOwnerPid?: number;
  /** Warnings, one line each (stderr). */
  warn(line: string): void;
}

export async function resolveTerminalTarget(
  flags: TerminalTargetFlags,
  options: TerminalTargetOptions,
): Promise<TerminalTarget> {
  const dataDir = resolveDataDir(flags.dataDir);
  const proxy = resolveProxyTarget(dataDir, flags.proxy);
  if (proxy.problem) options.warn(`${proxy.problem} Using ${proxy.url}.`);

  try {
    await checkProxyListening(proxy.host, proxy.port);
  } catch (error) {
    throw new CliError(
      `${(error as Error).message} Start NetLens first (\`netlens proxy\` or the app), or pass --proxy HOST:PORT.`,
      1,
      { cause: error },
    );
  }

  const { loadOrCreateCA } = await import('../engine/tls/certificateAuthority.js');
  let ca: { certPath: string; certPem: string };
  try {
    ca = await loadOrCreateCA(dataDir);
  } catch (error) {
    throw unwritable(dataDir, error);
  }

  let source = options.kind;
  let listener: TerminalTarget['listener'];
  if (proxy.running) {
    try {
      if (options.listenerOwnerPid !== undefined) {
        const opened = await controlRequest<{ source: string; proxyUrl: string }>(
          proxy.running,
          'POST',
          '/_netlens/sources',
          { kind: options.kind, ownerPid: options.listenerOwnerPid },
        );
        listener = { source: opened.source, proxyUrl: opened.proxyUrl };
        source = opened.source;
      } else {
        const numbered = await controlRequest<{ source: string }>(
          proxy.running,
          'POST',
          '/_netlens/sources',
          {
            kind: options.kind,
            listener: false,
          },
        );
        source = numbered.source;
      }
    } catch (error) {
      options.warn(
        `The running NetLens (pid ${proxy.running.pid}) did not give this ${options.kind} a source label ` +
          `(${(error as Error).message}); its traffic is labelled "${options.kind}".`,
      );
    }
  }

  let secret: string | undefined;
  if (proxy.running?.proxyAuth) {
    secret = await loadOrCreateProxySecret(dataDir).catch((error: unknown) => {
      throw unwritable(dataDir, error);
    });
  } else if (!proxy.running && !isLoopbackHost(proxy.host)) {
    // A NetLens beyond loopback asks for its secret; this data directory's is the best guess.
    secret = readSecretIfPresent(dataDir);
  }

  return {
    dataDir,
    proxy,
    source,
    ...(listener ? { listener } : {}),
    ...(secret !== undefined ? { secret } : {}),
    caCertPath: ca.certPath,
    caCertPem: ca.certPem,
  };
}

function readSecretIfPresent(dataDir: string): string | undefined {
  try {
    const text = fs.readFileSync(path.join(dataDir, PROXY_SECRET_FILE), 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** The data directory (or a file in it) cannot be created or written. */
export function unwritable(dataDir: string, error: unknown): CliError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(
    `Cannot write NetLens's files in ${dataDir}: ${reason}\nCheck that the folder is writable, or pass --data-dir.`,
    1,
    { cause: error },
  );
}

/** Releases a source port opened for `netlens shell` (best effort: it also closes when this process dies). */
export async function releaseListener(target: TerminalTarget): Promise<void> {
  if (!target.listener || !target.proxy.running) return;
  await controlRequest(
    target.proxy.running,
    'DELETE',
    `/_netlens/sources/${encodeURIComponent(target.listener.source)}`,
    undefined,
    3000,
  ).catch(() => undefined);
}
