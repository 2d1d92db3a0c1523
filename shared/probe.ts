/**
 * Probe contract (owned by the probes work: refine freely, keep names stable once used).
 * A probe runs DNS → TCP → TLS → HTTP in order and stops at the first failure.
 */
import type { NetlensError } from './errors.js';

export interface ProbeRequest {
  /** URL or host:port */
  target: string;
  /** Applies to each phase. */
  timeoutMs?: number;
  retries?: number;
}

export interface ProbeReport {
  target: string;
  ok: boolean;
  error?: NetlensError;
  /** Free-form until the probes work defines the steps. */
  steps: unknown[];
}
