/**
 * Certificate chain summary and the reason a chain is rejected. Pure, so it is tested without
 * sockets. Node reports verification failures as OpenSSL codes (X509_V_ERR_* without the
 * prefix) and hostname mismatches as ERR_TLS_CERT_ALTNAME_INVALID.
 */
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertProblem } from '../../../shared/errors.js';
import type { CertificateInfo } from '../../../shared/probe.js';
import { certProblemForCode } from '../analysis/diagnose.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_CHAIN_LENGTH = 10;

/**
 * Any verification failure of a chain is a certificate problem; the proxy's diagnosis table
 * names it, so the probe and the proxy never disagree on a code.
 */
export function certProblemOf(code: string | undefined): CertProblem | undefined {
  if (!code) return undefined;
  return certProblemForCode(code) ?? 'other';
}

/** Leaf first. Node links each certificate to its issuer; a self-signed root links to itself. */
export function chainOf(leaf: DetailedPeerCertificate | undefined, nowMs: number): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert && Object.keys(cert).length > 0 && chain.length < MAX_CHAIN_LENGTH) {
    const key = cert.fingerprint256 ?? `${chain.length}`;
    if (seen.has(key)) break;
    seen.add(key);
    const issuer: DetailedPeerCertificate | undefined = cert.issuerCertificate;
    chain.push(
      certificateInfo(
        cert,
        nowMs,
        issuer === cert ||
          (issuer?.fingerprint256 !== undefined && issuer.fingerprint256 === cert.fingerprint256),
      ),
    );
    cert = issuer;
  }
  return chain;
}

export function certificateInfo(cert: PeerCertificate, nowMs: number, selfSigned = false): CertificateInfo {
  const validFromMs = Date.parse(cert.valid_from);
  const validToMs = Date.parse(cert.valid_to);
  const info: CertificateInfo = {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    subjectAltNames: parseSubjectAltNames(cert.subjectaltname),
    validFromMs,
    validToMs,
    daysLeft: Math.floor((validToMs - nowMs) / DAY_MS),
    selfSigned: selfSigned || distinguishedName(cert.subject) === distinguishedName(cert.issuer),
  };
  if (cert.serialNumber) info.serialNumber = cert.serialNumber;
  if (cert.fingerprint256) info.fingerprint256 = cert.fingerprint256;
  return info;
}

/** `CN=example.com, O=Example` from Node's object form (values may be arrays). */
export function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  const order = ['CN', 'O', 'OU', 'L', 'ST', 'C'];
  const keys = [...order.filter((k) => k in name), ...Object.keys(name).filter((k) => !order.includes(k))];
  return keys
    .flatMap((k) => {
      const v = name[k];
      return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`);
    })
    .join(', ');
}

/** `DNS:a.example, IP Address:127.0.0.1` → [`a.example`, `127.0.0.1`]. */
export function parseSubjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address|email|URI):/, '').trim())
    .filter((v) => v !== '')
    .map((v) => (/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}$/i.test(v) ? compressIpv6(v) : v));
}

/** OpenSSL prints IPv6 SANs uncompressed (`0:0:0:0:0:0:0:1`); RFC 5952 form is `::1`. */
export function compressIpv6(full: string): string {
  const groups = full.split(':').map((g) => parseInt(g, 16).toString(16));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
