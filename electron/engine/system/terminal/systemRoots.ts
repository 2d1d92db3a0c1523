/**
 * The machine's trusted root certificates as one PEM text, for the CA bundle (caBundle.ts): the
 * file every TLS stack of the OS reads, so that a client told to trust "the bundle" instead of
 * its default store still trusts everything it trusted before.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import tls from 'node:tls';

/**
 * Overrides the system roots with a PEM file of the user's choice (also how the tests stand a
 * test PKI's root in for the machine's roots).
 */
export const SYSTEM_ROOTS_ENV = 'NETLENS_SYSTEM_ROOTS';

/**
 * The single-file bundles of Linux and BSD distributions, in the order Go's crypto/x509 looks
 * for them (root_linux.go): Debian/Ubuntu/Gentoo/Arch, Fedora/RHEL 6, openSUSE, OpenELEC,
 * RHEL 7+/CentOS, Alpine and the BSDs.
 */
export const UNIX_BUNDLE_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
  '/usr/local/share/certs/ca-root-nss.crt',
];

/** macOS: Apple's roots, then the System keychain where administrators add company roots. */
export const MACOS_KEYCHAINS = [
  '/System/Library/Keychains/SystemRootCertificates.keychain',
  '/Library/Keychains/System.keychain',
];

export interface SystemRoots {
  /** PEM certificates, each ending with a newline. */
  pem: string;
  /** Where they came from: a file, keychains, or Node's own copy of Mozilla's list. */
  source: string;
}

export interface SystemRootsOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  readFile?: (file: string) => Promise<string>;
  /** Runs a program and resolves with its stdout (macOS `security`). */
  run?: (command: string, args: string[]) => Promise<string>;
  /** Node's roots (tls.getCACertificates('system') where the Node has it, else tls.rootCertificates). */
  nodeRoots?: () => { pem: string; source: string };
}

export class SystemRootsError extends Error {
  readonly code = 'bad_system_roots';
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, normalised to `\n` line ends, each followed by a newline. */
export function pemCertificates(text: string): string[] {
  return (text.replace(/\r\n/g, '\n').match(CERTIFICATE) ?? []).map((pem) => `${pem}\n`);
}

export async function readSystemRoots(options: SystemRootsOptions = {}): Promise<SystemRoots> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const readFile = options.readFile ?? ((file: string) => fs.promises.readFile(file, 'utf8'));
  const run = options.run ?? runProgram;
  const nodeRoots = options.nodeRoots ?? defaultNodeRoots;

  const override = env[SYSTEM_ROOTS_ENV];
  if (override !== undefined && override.trim() !== '') {
    let text: string;
    try {
      text = await readFile(override);
    } catch (error) {
      throw new SystemRootsError(
        `${SYSTEM_ROOTS_ENV} names ${override}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    const certificates = pemCertificates(text);
    if (certificates.length === 0) {
      throw new SystemRootsError(`${SYSTEM_ROOTS_ENV} names ${override}, which holds no PEM certificate.`);
    }
    return { pem: certificates.join(''), source: override };
  }

  if (platform === 'darwin') {
    const pems: string[] = [];
    for (const keychain of MACOS_KEYCHAINS) {
      const out = await run('/usr/bin/security', ['find-certificate', '-a', '-p', keychain]).catch(() => '');
      pems.push(...pemCertificates(out));
    }
    if (pems.length > 0)
      return { pem: pems.join(''), source: `macOS keychains (${MACOS_KEYCHAINS.join(', ')})` };
  }

  if (platform !== 'win32') {
    for (const file of UNIX_BUNDLE_FILES) {
      const text = await readFile(file).catch(() => '');
      const certificates = pemCertificates(text);
      if (certificates.length > 0) return { pem: certificates.join(''), source: file };
    }
  }

  const fallback = nodeRoots();
  return { pem: pemCertificates(fallback.pem).join(''), source: fallback.source };
}

function defaultNodeRoots(): { pem: string; source: string } {
  // Node 22.15+ and 24+ read the OS store (Windows' ROOT store among them); older Node only
  // has its copy of Mozilla's list.
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (typeof get === 'function') {
    try {
      const system = get('system');
      if (system.length > 0) return { pem: system.join('\n'), source: "the OS trust store (via Node's tls)" };
    } catch {
      // Fall through to the bundled list.
    }
  }
  return { pem: tls.rootCertificates.join('\n'), source: "Node's bundled Mozilla root list" };
}

function runProgram(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 20_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}
