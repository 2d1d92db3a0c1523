/**
 * How a failure upstream is shown to the proxy's client: the action per class is in the
 * error-class table (shared/errorClasses.ts); this is the wording of the answer NetLens writes
 * itself when it cannot mirror the failure on the wire.
 */
export { mirrorFor, type MirrorAction } from '../../../shared/errorClasses.js';

/** Status of the answer NetLens writes itself for a failure it cannot mirror. */
export function failureStatusText(status: 502 | 504): string {
  return status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
}
