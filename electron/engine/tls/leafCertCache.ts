/**
 * Leaf certificates for intercepted hosts, minted on demand by the NetLens CA and cached per
 * host (DESIGN.md): one key pair per cache, shared by all leaves, so a new host costs one
 * native signature (see certificateBuilder.ts), not a key generation.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { buildCertificate, type CertificateIssuer } from './certificateBuilder.js';
import { caIssuer, type CertificateAuthority } from './certificateAuthority.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Clock skew between this machine and a client (or a VM/container beside it). */
const BACKDATE_MS = DAY_MS;
/**
 * Total validity 366 days: under the 398-day limit Chrome and Safari enforce for TLS server
 * certificates (CA/Browser Forum Baseline Requirements 6.3.2), with room to spare.
 */
const VALIDITY_MS = 365 * DAY_MS;
/** A cached leaf this close to its notAfter is minted again. */
const RENEW_BEFORE_MS = 7 * DAY_MS;

export interface LeafCertificate {
  certPem: string;
  keyPem: string;
  secureContext: SecureContext;
  /** The normalised name the leaf was minted for (punycode for IDNs, bare IPv6). */
  host: string;
  notAfterMs: number;
  serialNumberHex: string;
}

export interface LeafCertCacheOptions {
  /** Hosts kept before the least recently used is dropped. Default 1000. */
  maxEntries?: number;
  /**
   * Leaf key type. Default `ec`: P-256 keys make handshakes cheaper than RSA and every client
   * NetLens targets (OpenSSL, BoringSSL/Chromium, NSS, Node, Python, Java 8+) accepts them.
   * `rsa` (2048) is there for clients that only offer RSA cipher suites.
   */
  keyType?: 'ec' | 'rsa';
  /** Test hook for the clock. */
  nowMs?: () => number;
}

export class LeafCertCache {
  private readonly entries = new Map<string, LeafCertificate>();
  private readonly issuer: CertificateIssuer;
  private readonly caNotAfterMs: number;
  private readonly maxEntries: number;
  private readonly nowMs: () => number;
  private readonly publicKey: KeyObject;
  /** Sent after each leaf, so clients that trust the CA (or its SPKI) can build the chain. */
  private readonly caCertPem: string;
  readonly keyPem: string;

  constructor(ca: CertificateAuthority, options: LeafCertCacheOptions = {}) {
    this.issuer = caIssuer(ca);
    this.caNotAfterMs = ca.validToMs;
    this.caCertPem = ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`;
    this.maxEntries = Math.max(1, options.maxEntries ?? 1000);
    this.nowMs = options.nowMs ?? Date.now;
    const pair =
      options.keyType === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.publicKey = pair.publicKey;
    this.keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The leaf for `host` (a name or an IP literal, IPv6 with or without brackets). Throws for an invalid name. */
  get(host: string): LeafCertificate {
    const name = normaliseHost(host);
    const now = this.nowMs();
    const cached = this.entries.get(name);
    if (cached && cached.notAfterMs - now > RENEW_BEFORE_MS) {
      // Map iteration order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(name);
      this.entries.set(name, cached);
      return cached;
    }
    const leaf = this.mint(name, now);
    this.entries.delete(name);
    this.entries.set(name, leaf);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return leaf;
  }

  clear(): void {
    this.entries.clear();
  }

  private mint(host: string, now: number): LeafCertificate {
    // Never outlive the CA: a chain with a leaf valid past its issuer is rejected by some clients.
    const notAfterMs = Math.min(now + VALIDITY_MS, this.caNotAfterMs);
    const built = buildCertificate({
      subject: { commonName: host, organization: 'NetLens' },
      publicKey: this.publicKey,
      issuer: this.issuer,
      subjectAltNames: [host],
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(notAfterMs),
    });
    return {
      certPem: built.pem,
      keyPem: this.keyPem,
      // RFC 8446 §4.4.2: the leaf first, then the certificate that certifies it. Without the CA in
      // the chain, a client trusting only the CA's SPKI (Chromium's
      // --ignore-certificate-errors-spki-list) cannot build a path and rejects the leaf.
      secureContext: createSecureContext({
        key: this.keyPem,
        cert: `${built.pem.endsWith('\n') ? built.pem : `${built.pem}\n`}${this.caCertPem}`,
      }),
      host,
      notAfterMs,
      serialNumberHex: built.serialNumberHex,
    };
  }
}

/**
 * Lower-case, no trailing dot, no IPv6 brackets, IDNs in punycode (a dNSName is an IA5String,
 * RFC 5280 §4.2.1.6). Throws for something that cannot be a host name.
 */
export function normaliseHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (isIP(name) !== 0) return name;
  if (name.endsWith('.')) name = name.slice(0, -1);
  const ascii = domainToASCII(name);
  if (ascii === '' || ascii.length > 253 || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(ascii)) {
    throw new Error(`Cannot mint a certificate for "${host}": it is not a valid host name.`);
  }
  return ascii;
}
