/**
 * The probes' one door to the diagnosis (analysis/diagnose.ts), so the proxy and the probes
 * classify and word every failure the same way.
 */
import { diagnose, failure } from '../analysis/diagnose.js';
import type { FailureContext } from '../../../shared/failureMessage.js';
import type { ErrorClass, NetlensError } from '../../../shared/errors.js';

export type ProbeFailureContext = FailureContext;

/** A failure the probe decided itself (its own timer fired, a certificate it rejected). */
export function probeFailure(errorClass: ErrorClass, ctx: ProbeFailureContext): NetlensError {
  return failure(errorClass, ctx);
}

/** A failure raised by the OS or Node (ECONNREFUSED, an OpenSSL alert...). */
export function probeErrorFrom(error: unknown, ctx: ProbeFailureContext): NetlensError {
  return diagnose(error, ctx);
}
