import { describe, expect, it } from 'vitest';
import { applyExtraCaCertificates, pemCertificates } from '@main/extraCaCertificates.js';

const CERT_A = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
const CERT_B = '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----';

function fakeStore(extra: string[] = []) {
  const store = {
    defaults: ['ROOT-1', 'ROOT-2'],
    getCACertificates: (type?: string) => (type === 'extra' ? extra : store.defaults),
    setDefaultCACertificates: (certs: readonly string[]) => {
      store.defaults = [...certs];
    },
  };
  return store;
}

describe('applyExtraCaCertificates', () => {
  it('adds the certificates of NODE_EXTRA_CA_CERTS to the default store when Node did not (fuse off)', () => {
    const store = fakeStore();
    const outcome = applyExtraCaCertificates({ NODE_EXTRA_CA_CERTS: '/ca.pem' }, store, (file) => {
      expect(file).toBe('/ca.pem');
      return `# corporate bundle\n${CERT_A}\n${CERT_B}\n`;
    });
    expect(outcome).toEqual({ status: 'added', count: 2 });
    expect(store.defaults).toEqual(['ROOT-1', 'ROOT-2', CERT_A, CERT_B]);
  });

  it('does nothing when unset, or when Node already read it', () => {
    const untouched = fakeStore();
    expect(applyExtraCaCertificates({}, untouched, () => CERT_A)).toEqual({ status: 'unset' });
    const byNode = fakeStore([CERT_A]);
    expect(applyExtraCaCertificates({ NODE_EXTRA_CA_CERTS: '/ca.pem' }, byNode, () => CERT_A)).toEqual({
      status: 'applied-by-node',
    });
    expect(untouched.defaults).toEqual(['ROOT-1', 'ROOT-2']);
    expect(byNode.defaults).toEqual(['ROOT-1', 'ROOT-2']);
  });

  it('says what went wrong with an unreadable or empty file, changing nothing', () => {
    const store = fakeStore();
    const unreadable = applyExtraCaCertificates({ NODE_EXTRA_CA_CERTS: '/missing.pem' }, store, () => {
      throw new Error('ENOENT: no such file');
    });
    expect(unreadable).toEqual({
      status: 'failed',
      message: 'NODE_EXTRA_CA_CERTS (/missing.pem) could not be read: ENOENT: no such file',
    });
    expect(applyExtraCaCertificates({ NODE_EXTRA_CA_CERTS: '/x' }, store, () => 'not pem')).toMatchObject({
      status: 'failed',
    });
    expect(store.defaults).toEqual(['ROOT-1', 'ROOT-2']);
  });
});

describe('applyExtraCaCertificates on an older Node.js', () => {
  it('says so when there is no API to add CAs', () => {
    expect(applyExtraCaCertificates({ NODE_EXTRA_CA_CERTS: '/ca.pem' }, {}, () => CERT_A)).toEqual({
      status: 'failed',
      message: 'NODE_EXTRA_CA_CERTS (/ca.pem) is ignored: this Node.js cannot add CAs.',
    });
  });
});

describe('pemCertificates', () => {
  it('splits a bundle into its certificates and ignores the rest', () => {
    expect(pemCertificates(`x\n${CERT_A}\ny\n${CERT_B}`)).toEqual([CERT_A, CERT_B]);
    expect(pemCertificates('-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----')).toEqual([]);
  });
});
