/**
 * The NetLens CA: created once per data directory (DESIGN.md), reused afterwards, its private
 * key readable by the user only. Two processes starting at once (the app and `netlens proxy`)
 * must end up with the same CA: creation happens under an exclusive lock file and each file
 * appears atomically (temp + rename), the key before the certificate, so a reader that sees the
 * certificate always finds its key.
 */
import { X509Certificate, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  buildCertificate,
  keyIdentifierOf,
  subjectNameOf,
  type CertificateIssuer,
} from './certificateBuilder.js';
import { writeFileAtomically } from '../system/atomicFileWrite.js';

export const CA_DIR_NAME = 'ca';
export const CA_CERT_FILE = 'netlens-ca.pem';
export const CA_KEY_FILE = 'netlens-ca-key.pem';
const LOCK_FILE = 'netlens-ca.lock';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
/** A lock older than this was left by a process that died while creating the CA. */
const STALE_LOCK_MS = 30_000;
const LOCK_POLL_MS = 50;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  /** SHA-256 fingerprint, `AA:BB:...`, to show the user what to look for in a trust store. */
  fingerprint256: string;
  /** Subject common name, e.g. `NetLens CA (myhost)`. */
  commonName: string;
  validToMs: number;
  /** True when this call created the CA (the user still has to trust it). */
  created: boolean;
}

/** A CA file that exists but cannot be used; the message names the file and what to do. */
export class CertificateAuthorityError extends Error {
  constructor(
    message: string,
    readonly filePath: string,
  ) {
    super(message);
    this.name = 'CertificateAuthorityError';
  }
}

export interface LoadOrCreateOptions {
  /** How long to wait for another process that is creating the CA. Default 20 s. */
  lockTimeoutMs?: number;
  /** Test hook for the clock. */
  nowMs?: () => number;
}

export function caPaths(dataDir: string): {
  dir: string;
  certPath: string;
  keyPath: string;
  lockPath: string;
} {
  const dir = path.join(dataDir, CA_DIR_NAME);
  return {
    dir,
    certPath: path.join(dir, CA_CERT_FILE),
    keyPath: path.join(dir, CA_KEY_FILE),
    lockPath: path.join(dir, LOCK_FILE),
  };
}

export async function loadOrCreateCA(
  dataDir: string,
  options: LoadOrCreateOptions = {},
): Promise<CertificateAuthority> {
  const nowMs = options.nowMs ?? Date.now;
  const paths = caPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await restrictMode(paths.dir, 0o700);

  const deadline = Date.now() + (options.lockTimeoutMs ?? 20_000);
  for (;;) {
    const existing = await readExisting(paths, nowMs());
    if (existing) return existing;

    const lock = await tryLock(paths.lockPath);
    if (lock) {
      try {
        // Another process may have finished between our read and our lock.
        const raced = await readExisting(paths, nowMs());
        if (raced) return raced;
        return await create(paths, nowMs());
      } finally {
        await unlink(paths.lockPath).catch(() => undefined);
      }
    }

    if (await isStale(paths.lockPath)) {
      await unlink(paths.lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new CertificateAuthorityError(
        `Timed out waiting for another NetLens process to create the CA (lock file ${paths.lockPath}). ` +
          'If no other NetLens is running, delete that file and try again.',
        paths.lockPath,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** The CA as a signer of leaf certificates (its name byte-exact, as in its certificate). */
export function caIssuer(ca: Pick<CertificateAuthority, 'certPem' | 'keyPem'>): CertificateIssuer {
  const x509 = new X509Certificate(ca.certPem);
  const privateKey = createPrivateKey(ca.keyPem);
  return { name: subjectNameOf(x509.raw), privateKey, keyIdentifier: keyIdentifierOf(x509.publicKey) };
}

function caCommonName(): string {
  const name = `NetLens CA (${os.hostname() || 'localhost'})`;
  // RFC 5280 ub-common-name is 64; keep the closing parenthesis when shortening.
  return name.length <= 64 ? name : `${name.slice(0, 62)}…)`;
}

async function create(paths: ReturnType<typeof caPaths>, nowMs: number): Promise<CertificateAuthority> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  // RSA-2048 for the root: the most widely accepted key type in every trust store and client
  // (Windows, macOS, NSS, Java, Android). Leaves use their own (EC) key, see leafCertCache.ts.
  const commonName = caCommonName();
  const built = buildCertificate({
    subject: { commonName, organization: 'NetLens', organizationalUnit: 'NetLens debugging proxy (local)' },
    publicKey,
    selfSigningKey: privateKey,
    isCa: true,
    notBefore: new Date(nowMs - DAY_MS),
    notAfter: new Date(nowMs + CA_VALIDITY_DAYS * DAY_MS),
  });
  const keyPem = (privateKey as KeyObject).export({ type: 'pkcs8', format: 'pem' }).toString();
  // Key first: whoever sees the certificate can rely on the key being there.
  await writeAtomically(paths.keyPath, keyPem, 0o600);
  await writeAtomically(paths.certPath, built.pem, 0o644);
  const x509 = new X509Certificate(built.pem);
  return {
    certPem: built.pem,
    keyPem,
    certPath: paths.certPath,
    keyPath: paths.keyPath,
    fingerprint256: x509.fingerprint256,
    commonName,
    validToMs: Date.parse(x509.validTo),
    created: true,
  };
}

/** Written whole or not at all, with its mode set before a byte of it is written. */
async function writeAtomically(filePath: string, content: string, mode: number): Promise<void> {
  await writeFileAtomically(filePath, async (handle) => {
    // Windows has no POSIX modes; the user profile's ACLs protect the data dir there.
    if (process.platform !== 'win32') await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
  });
}

/** `undefined` when there is no CA yet; throws CertificateAuthorityError when one is unusable. */
async function readExisting(
  paths: ReturnType<typeof caPaths>,
  nowMs: number,
): Promise<CertificateAuthority | undefined> {
  const resetHint = `Delete the folder ${paths.dir} to create a new CA (then trust the new certificate again).`;
  const certPem = await readOptional(paths.certPath, 'certificate');
  // No certificate: nothing was trusted yet, a lone key is from an interrupted creation.
  if (certPem === undefined) return undefined;
  const keyPem = await readOptional(paths.keyPath, 'private key');
  if (keyPem === undefined) {
    throw new CertificateAuthorityError(
      `The NetLens CA certificate ${paths.certPath} exists but its private key ${paths.keyPath} is missing. ` +
        `Restore the key from a backup, or ${lowerFirst(resetHint)}`,
      paths.keyPath,
    );
  }

  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new CertificateAuthorityError(
      `The NetLens CA certificate ${paths.certPath} is corrupt (not a PEM certificate). ${resetHint}`,
      paths.certPath,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new CertificateAuthorityError(
      `The NetLens CA private key ${paths.keyPath} is corrupt (not a PEM private key). ${resetHint}`,
      paths.keyPath,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new CertificateAuthorityError(
      `The NetLens CA private key ${paths.keyPath} does not belong to the certificate ${paths.certPath}. ${resetHint}`,
      paths.keyPath,
    );
  }
  if (!x509.ca) {
    throw new CertificateAuthorityError(
      `${paths.certPath} is not a CA certificate (basicConstraints CA:false), so it cannot sign. ${resetHint}`,
      paths.certPath,
    );
  }
  const validToMs = Date.parse(x509.validTo);
  if (validToMs <= nowMs) {
    throw new CertificateAuthorityError(
      `The NetLens CA certificate ${paths.certPath} expired on ${new Date(validToMs).toISOString()}. ${resetHint}`,
      paths.certPath,
    );
  }
  await restrictMode(paths.keyPath, 0o600);
  return {
    certPem,
    keyPem,
    certPath: paths.certPath,
    keyPath: paths.keyPath,
    fingerprint256: x509.fingerprint256,
    commonName: /CN=([^\n]*)/.exec(x509.subject)?.[1] ?? x509.subject,
    validToMs,
    created: false,
  };
}

async function readOptional(filePath: string, what: string): Promise<string | undefined> {
  try {
    return await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CertificateAuthorityError(
      `Cannot read the NetLens CA ${what} ${filePath} (${code ?? String(error)}). ` +
        'Check that the file belongs to you and is readable, or choose another --data-dir.',
      filePath,
    );
  }
}

async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(
      lockPath,
      fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY,
      0o600,
    );
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CertificateAuthorityError(
      `Cannot create the NetLens CA in ${path.dirname(lockPath)} (${(error as NodeJS.ErrnoException).code ?? String(error)}). ` +
        'Check that the folder is writable, or choose another --data-dir.',
      lockPath,
    );
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    return Date.now() - info.mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // gone already: the next loop iteration will see the CA or take the lock
  }
}

async function restrictMode(filePath: string, mode: number): Promise<void> {
  // Windows has no POSIX modes; the user profile's ACLs protect the data dir there.
  if (process.platform === 'win32') return;
  try {
    const info = await stat(filePath);
    if ((info.mode & 0o777) !== mode) await chmod(filePath, mode);
  } catch {
    // Not ours to change (e.g. a shared data dir owned by someone else): reading still works.
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
