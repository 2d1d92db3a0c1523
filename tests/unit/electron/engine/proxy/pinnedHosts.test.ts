import { describe, expect, it } from 'vitest';
import { certificateRejectionAlert, PinnedHosts } from '@engine/proxy/pinnedHosts.js';

describe('certificate rejection by the client', () => {
  it('recognises the alerts that mean "I do not trust your certificate"', () => {
    expect(certificateRejectionAlert({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' })).toBe('unknown_ca');
    expect(
      certificateRejectionAlert({ message: 'error:0A000412:SSL routines::sslv3 alert bad certificate' }),
    ).toBe('bad_certificate');
    expect(certificateRejectionAlert({ code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN' })).toBe(
      'certificate_unknown',
    );
    expect(certificateRejectionAlert({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' })).toBeUndefined();
    expect(certificateRejectionAlert({ code: 'ECONNRESET' })).toBeUndefined();
  });

  it('remembers pinned hosts case-insensitively', () => {
    const pinned = new PinnedHosts();
    pinned.add('API.Example.com', 'unknown_ca');
    expect(pinned.has('api.example.com')).toBe(true);
    expect(pinned.has('other.example.com')).toBe(false);
    expect(pinned.list()).toEqual([{ host: 'api.example.com', reason: 'unknown_ca' }]);
  });
});
