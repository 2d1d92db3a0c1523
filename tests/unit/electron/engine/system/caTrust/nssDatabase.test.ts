import { describe, expect, it } from 'vitest';
import {
  explainCertutilFailure,
  isListedIn,
  isTrustedIn,
  nssInstallPlan,
  nssUninstallPlan,
  parseCertutilList,
} from '@engine/system/caTrust/nssDatabase.js';
import { describeStep } from '@engine/system/caTrust/trustSteps.js';
import { fixtureCaIdentity, systemFixture } from '@fixtures/fakeTrustEnvironment.js';

const ca = fixtureCaIdentity();

describe('parseCertutilList', () => {
  it('reads nicknames with spaces and their trust flags, skipping the header', () => {
    expect(parseCertutilList(systemFixture('nss-certutil-L-trusted.txt'))).toEqual([
      { nickname: 'NetLens CA 0123456789abcdef', trust: 'C,,' },
      { nickname: 'Corp Root CA', trust: 'CT,C,C' },
      { nickname: 'NetLens CA fedcba9876543210', trust: ',,' },
    ]);
    expect(parseCertutilList(systemFixture('nss-certutil-L-empty.txt'))).toEqual([]);
  });

  it('says trusted only for our nickname with C in the SSL column', () => {
    const trusted = parseCertutilList(systemFixture('nss-certutil-L-trusted.txt'));
    const untrusted = parseCertutilList(systemFixture('nss-certutil-L-untrusted.txt'));
    expect(isTrustedIn(trusted, ca.nickname)).toBe(true);
    expect(isTrustedIn(untrusted, ca.nickname)).toBe(false);
    expect(isListedIn(untrusted, ca.nickname)).toBe(true);
    // Another NetLens CA (another data directory) is not ours.
    expect(isTrustedIn(trusted, 'NetLens CA fedcba9876543210')).toBe(false);
    expect(isListedIn(parseCertutilList(systemFixture('nss-certutil-L-empty.txt')), ca.nickname)).toBe(false);
  });
});

describe('NSS plans', () => {
  it('creates a missing database with an empty password, then adds the CA', () => {
    const plan = nssInstallPlan({
      certutil: '/usr/bin/certutil',
      dir: '/home/dev/.pki/nssdb',
      dbExists: false,
      listed: false,
      ca,
    });
    expect(plan.map(describeStep)).toEqual([
      'mkdir -p /home/dev/.pki/nssdb',
      '/usr/bin/certutil -N -d sql:/home/dev/.pki/nssdb --empty-password',
      `/usr/bin/certutil -A -d sql:/home/dev/.pki/nssdb -n 'NetLens CA 0123456789abcdef' -t C,, -i ${ca.certPath} -f /dev/null`,
    ]);
  });

  it('sets the trust of a CA that is listed without it, instead of adding it twice', () => {
    const plan = nssInstallPlan({ certutil: 'certutil', dir: '/p', dbExists: true, listed: true, ca });
    expect(plan).toEqual([
      {
        kind: 'run',
        command: 'certutil',
        args: ['-M', '-d', 'sql:/p', '-n', ca.nickname, '-t', 'C,,', '-f', '/dev/null'],
      },
    ]);
  });

  it('removes only a CA that is there', () => {
    expect(nssUninstallPlan({ certutil: 'certutil', dir: '/p', listed: false, ca })).toEqual([]);
    expect(nssUninstallPlan({ certutil: 'certutil', dir: '/p', listed: true, ca })[0]).toMatchObject({
      args: ['-D', '-d', 'sql:/p', '-n', ca.nickname, '-f', '/dev/null'],
    });
  });

  it('explains a password-protected database', () => {
    const message = explainCertutilFailure(
      'certutil: could not authenticate to token NSS Certificate DB.: SEC_ERROR_BAD_PASSWORD: The security password entered is incorrect.',
      '/home/dev/.mozilla/firefox/x.default',
    );
    expect(message).toContain('protected by a password');
    expect(message).toContain('/home/dev/.mozilla/firefox/x.default');
  });
});
