import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from '@shared/errors.js';
import { mirrorFor } from '@engine/proxy/failureMirror.js';

describe('mirrorFor', () => {
  it('resets the client for a reset or a refusal before the response', () => {
    expect(mirrorFor('connection_reset', false)).toEqual({ kind: 'reset' });
    expect(mirrorFor('connect_refused', false)).toEqual({ kind: 'reset' });
  });

  it('answers 504 for timeouts and 502 for what cannot be mirrored', () => {
    for (const c of ['dns_timeout', 'connect_timeout', 'response_timeout'] as const) {
      expect(mirrorFor(c, false)).toEqual({ kind: 'respond', status: 504 });
    }
    for (const c of [
      'dns_not_found',
      'tls_cert_invalid',
      'tls_handshake_failed',
      'protocol_error',
      'host_unreachable',
    ] as const) {
      expect(mirrorFor(c, false)).toEqual({ kind: 'respond', status: 502 });
    }
  });

  it('after the response head, cuts the body: with a reset for a reset, with a close otherwise', () => {
    expect(mirrorFor('connection_reset', true)).toEqual({ kind: 'reset' });
    for (const c of ERROR_CLASSES.filter((c) => c !== 'connection_reset')) {
      expect(mirrorFor(c, true)).toEqual({ kind: 'close' });
    }
  });
});
