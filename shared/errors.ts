/**
 * The error taxonomy. These names are a stable contract: they appear in HAR `_error.class`,
 * NDJSON, `x-netlens-error` and the filter language. Everything else known about each class
 * (family, exit code, mirroring, label, message) is in shared/errorClasses.ts.
 */
export const ERROR_CLASSES = [
  'dns_not_found',
  'dns_timeout',
  'connect_refused',
  'connect_timeout',
  'host_unreachable',
  'tls_cert_invalid',
  'tls_handshake_failed',
  'connection_reset',
  'response_timeout',
  'body_timeout',
  'incomplete_response',
  'protocol_error',
  'client_aborted',
  'injected_fault',
  // A failure another tool recorded (an imported HAR) whose cause its words do not make certain:
  // NetLens keeps the tool's text in `detail` rather than guess a class.
  'unclassified',
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Where in the life of an exchange or probe a failure happened. */
export const FAILURE_PHASES = [
  'request', // reading the client's request (client-side protocol errors, client aborts)
  'dns',
  'connect',
  'tls',
  'send',
  'wait',
  'receive',
] as const;

export type FailurePhase = (typeof FAILURE_PHASES)[number];

/** Why a certificate was rejected (`tls_cert_invalid.detail`). */
export const CERT_PROBLEM_NAMES = [
  'expired',
  'not_yet_valid',
  'self_signed',
  'unknown_ca',
  'hostname_mismatch',
  'revoked',
  'other',
] as const;

export type CertProblem = (typeof CERT_PROBLEM_NAMES)[number];

export interface NetlensError {
  class: ErrorClass;
  phase: FailurePhase;
  /** Time from the start of the exchange (or probe step) to the failure. */
  elapsedMs: number;
  /** One actionable sentence or two: names host, port, phase and time, and says what to check. */
  message: string;
  /** Extra precision: a CertProblem for tls_cert_invalid, the OS error code, the rule name... */
  detail?: string;
  /** The underlying OS / library error code, e.g. ECONNREFUSED, when there was one. */
  code?: string;
}

export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'string' && (ERROR_CLASSES as readonly string[]).includes(value);
}

/** Exit codes of `netlens probe`: 0 ok, 2 usage, then one per class family (a stable contract). */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_DNS = 3;
export const EXIT_CONNECT = 4;
export const EXIT_TLS = 5;
export const EXIT_HTTP = 6;
/** Each class's exit code is in the error-class table (shared/errorClasses.ts). */
