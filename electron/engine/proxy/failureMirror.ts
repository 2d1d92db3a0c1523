import type { ErrorClass } from '../../../shared/errors.js';

/**
 * How a failure upstream is shown to the client. Where the wire allows it the client sees the
 * same kind of failure (a reset, a cut body), because the client's own error handling is often
 * what is being debugged; otherwise it gets a 502/504 naming the class (DESIGN.md, issue 2 §6).
 */
export type MirrorAction = { kind: 'reset' } | { kind: 'close' } | { kind: 'respond'; status: 502 | 504 };

export function mirrorFor(errorClass: ErrorClass, responseHeadSent: boolean): MirrorAction {
  if (responseHeadSent) {
    // The status is already on the wire: all that is left is to end the body the same way.
    return errorClass === 'connection_reset' ? { kind: 'reset' } : { kind: 'close' };
  }
  switch (errorClass) {
    case 'connection_reset':
    case 'connect_refused':
      return { kind: 'reset' };
    case 'dns_timeout':
    case 'connect_timeout':
    case 'response_timeout':
    case 'body_timeout':
      return { kind: 'respond', status: 504 };
    default:
      return { kind: 'respond', status: 502 };
  }
}

/** Status of the answer NetLens writes itself for a failure it cannot mirror. */
export function failureStatusText(status: 502 | 504): string {
  return status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
}
