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

  it('pins after a second hang-up without an alert, never after one', () => {
    const pinned = new PinnedHosts();
    expect(pinned.hungUp('api.example.com', 'closed after ServerHello')).toBe(false);
    expect(pinned.has('api.example.com')).toBe(false);
    expect(pinned.hungUp('API.example.com', 'closed after ServerHello')).toBe(true);
    expect(pinned.list()).toEqual([{ host: 'api.example.com', reason: 'closed after ServerHello' }]);
  });

  it('forgets a hang-up once a handshake with that host completes (a dropped preconnect)', () => {
    const pinned = new PinnedHosts();
    expect(pinned.hungUp('127.0.0.1', 'closed after ServerHello')).toBe(false);
    pinned.accepted('127.0.0.1');
    expect(pinned.hungUp('127.0.0.1', 'closed after ServerHello')).toBe(false);
    expect(pinned.has('127.0.0.1')).toBe(false);
    // Another host's hang-up does not count for this one.
    expect(pinned.hungUp('other.example.com', 'closed after ServerHello')).toBe(false);
    expect(pinned.hungUp('127.0.0.1', 'closed after ServerHello')).toBe(true);
  });
});
