import { X509Certificate, createHash } from 'node:crypto';

/** The NetLens CA as trust stores see it: its fingerprints and the names NetLens files it under. */
export interface CaIdentity {
  certPath: string;
  certPem: string;
  commonName: string;
  /** Lower-case hex, no separators. */
  sha1Hex: string;
  sha256Hex: string;
  /** `AA:BB:…`, as trust-store UIs show it. */
  fingerprint256: string;
  /**
   * The NSS nickname: unique per CA (a data directory's CA is not another's), so installing is
   * idempotent and uninstalling never removes another NetLens CA.
   */
  nickname: string;
  /** File name stem in the system store's anchor folder. */
  fileStem: string;
}

export function caIdentityOf(certPem: string, certPath: string): CaIdentity {
  const cert = new X509Certificate(certPem);
  const der = cert.raw;
  const sha1Hex = createHash('sha1').update(der).digest('hex');
  const sha256Hex = createHash('sha256').update(der).digest('hex');
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? 'NetLens CA';
  const short = sha256Hex.slice(0, 16);
  return {
    certPath,
    certPem: cert.toString(),
    commonName,
    sha1Hex,
    sha256Hex,
    fingerprint256: sha256Hex.toUpperCase().replace(/(..)(?!$)/g, '$1:'),
    nickname: `NetLens CA ${short}`,
    fileStem: `netlens-ca-${short}`,
  };
}

/** Same certificate, whatever the PEM's line endings or trailing text. */
export function samePem(a: string, b: string): boolean {
  try {
    return new X509Certificate(a).raw.equals(new X509Certificate(b).raw);
  } catch {
    return false;
  }
}
