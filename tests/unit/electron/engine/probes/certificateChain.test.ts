import { describe, expect, it } from 'vitest';
import type { DetailedPeerCertificate } from 'node:tls';
import {
  certProblemOf,
  chainOf,
  compressIpv6,
  distinguishedName,
  parseSubjectAltNames,
} from '@engine/probes/certificateChain.js';

const DAY = 86_400_000;
const now = Date.parse('2026-06-01T00:00:00Z');

function cert(cn: string, issuer: string, fingerprint: string, validTo: string): DetailedPeerCertificate {
  return {
    subject: { CN: cn },
    issuer: { CN: issuer },
    subjectaltname: cn.startsWith('leaf') ? 'DNS:a.test, IP Address:127.0.0.1' : undefined,
    valid_from: 'Jan  1 00:00:00 2026 GMT',
    valid_to: validTo,
    fingerprint256: fingerprint,
    serialNumber: '01',
  } as unknown as DetailedPeerCertificate;
}

describe('certificate chain', () => {
  it('maps Node / OpenSSL codes to the taxonomy’s certificate problems', () => {
    expect(certProblemOf('CERT_HAS_EXPIRED')).toBe('expired');
    expect(certProblemOf('CERT_NOT_YET_VALID')).toBe('not_yet_valid');
    expect(certProblemOf('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('self_signed');
    expect(certProblemOf('SELF_SIGNED_CERT_IN_CHAIN')).toBe('self_signed');
    expect(certProblemOf('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('unknown_ca');
    expect(certProblemOf('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('hostname_mismatch');
    expect(certProblemOf('IP_ADDRESS_MISMATCH')).toBe('hostname_mismatch');
    expect(certProblemOf('SOMETHING_NEW')).toBe('other');
    expect(certProblemOf('SOMETHING_NEW')).toBe('other');
    expect(certProblemOf(undefined)).toBeUndefined();
  });

  it('walks leaf → intermediate → self-signed root, stopping at the loop', () => {
    const leaf = cert('leaf', 'inter', 'F1', 'Jul  1 00:00:00 2026 GMT');
    const inter = cert('inter', 'root', 'F2', 'Jan  1 00:00:00 2030 GMT');
    const root = cert('root', 'root', 'F3', 'Jan  1 00:00:00 2036 GMT');
    leaf.issuerCertificate = inter;
    inter.issuerCertificate = root;
    root.issuerCertificate = root;
    const chain = chainOf(leaf, now);
    expect(chain.map((c) => c.subject)).toEqual(['CN=leaf', 'CN=inter', 'CN=root']);
    expect(chain.map((c) => c.selfSigned)).toEqual([false, false, true]);
    expect(chain[0]!.daysLeft).toBe(30);
    expect(chain[0]!.subjectAltNames).toEqual(['a.test', '127.0.0.1']);
    expect(chain[0]!.validToMs - chain[0]!.validFromMs).toBe(181 * DAY);
  });

  it('is empty without a certificate', () => {
    expect(chainOf(undefined, now)).toEqual([]);
    expect(chainOf({} as DetailedPeerCertificate, now)).toEqual([]);
  });

  it('formats names and SANs', () => {
    expect(distinguishedName({ O: 'Org', CN: 'x', OU: ['a', 'b'] })).toBe('CN=x, O=Org, OU=a, OU=b');
    expect(parseSubjectAltNames('DNS:a, DNS:*.b, IP Address:::1')).toEqual(['a', '*.b', '::1']);
    expect(parseSubjectAltNames(undefined)).toEqual([]);
    expect(parseSubjectAltNames('IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:1:0:0:1')).toEqual([
      '::1',
      '2001:db8::1:0:0:1',
    ]);
    expect(compressIpv6('FE80:0:0:0:0:0:0:0')).toBe('fe80::');
    expect(compressIpv6('1:0:2:0:3:0:4:0')).toBe('1:0:2:0:3:0:4:0');
  });
});
