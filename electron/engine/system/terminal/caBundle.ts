/**
 * `DATA/ca-bundle.pem`: the machine's roots plus the NetLens CA. Variables such as SSL_CERT_FILE
 * or REQUESTS_CA_BUNDLE *replace* a client's trust store; pointing them at the NetLens CA alone
 * would break every HTTPS connection that does not go through NetLens (hosts in NO_PROXY, a
 * client that ignores the proxy variables). With the bundle, both verify.
 *
 * Rebuilt whenever its content would change (the roots were updated, the CA was re-created),
 * and only then, so a client reading it never sees it half-written (atomic replace).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../atomicFileWrite.js';
import { pemCertificates, type SystemRoots } from './systemRoots.js';

export const CA_BUNDLE_FILE = 'ca-bundle.pem';

export function caBundlePath(dataDir: string): string {
  return path.join(dataDir, CA_BUNDLE_FILE);
}

export interface CaBundle {
  path: string;
  /** True when this call wrote the file (it was missing or out of date). */
  rebuilt: boolean;
  /** Where the system roots came from. */
  rootsSource: string;
  /** How many certificates the bundle holds, the NetLens CA included. */
  certificateCount: number;
}

/** The bundle's text: a header saying what it is, the roots, then the NetLens CA. */
export function caBundleText(roots: SystemRoots, caCertPem: string): string {
  const ca = pemCertificates(caCertPem);
  if (ca.length === 0) throw new Error('The NetLens CA certificate is not PEM.');
  return [
    '# NetLens CA bundle: the system roots and the NetLens CA, for clients whose CA setting replaces',
    '# their trust store (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, ...). Rebuilt by',
    '# `netlens env` and `netlens shell`; do not edit.',
    `# System roots: ${roots.source.replace(/[\r\n]+/g, ' ')}`,
    '',
    roots.pem.trimEnd(),
    '',
    '# NetLens CA',
    ca.join('').trimEnd(),
    '',
  ].join('\n');
}

export async function ensureCaBundle(
  dataDir: string,
  roots: SystemRoots,
  caCertPem: string,
): Promise<CaBundle> {
  const file = caBundlePath(dataDir);
  const text = caBundleText(roots, caCertPem);
  const certificateCount = pemCertificates(text).length;
  const current = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return { path: file, rebuilt: false, rootsSource: roots.source, certificateCount };
  await fs.promises.mkdir(dataDir, { recursive: true });
  await writeFileAtomically(file, async (handle) => {
    // Public certificates only: readable by everyone (a container's user, the Docker daemon).
    await handle.chmod(0o644);
    await handle.writeFile(text);
  });
  return { path: file, rebuilt: true, rootsSource: roots.source, certificateCount };
}
