import { X509Certificate, createHash } from 'node:crypto';

/**
 * base64(SHA-256(SubjectPublicKeyInfo)) of a certificate: what Chromium's
 * `--ignore-certificate-errors-spki-list` takes. Chromium accepts a chain that contains a
 * certificate with this key, so the CA's hash covers every leaf NetLens mints (they are sent
 * with the CA: the chain).
 */
export function spkiSha256Base64(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
