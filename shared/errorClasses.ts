/**
 * The error-class table: every fact NetLens knows about each class of the taxonomy, in one
 * place. The proxy mirrors failures from it, `netlens probe` takes its exit code from it, the UI
 * its labels, the diagnosis its messages, the retry analysis what a retry can fix, and
 * docs/error-classes.md is generated from it. The class names and exit codes are a stable
 * contract (shared/errors.ts).
 */
import type { ErrorClass, FailurePhase, NetlensError } from './errors.js';
import { ERROR_CLASSES, EXIT_CONNECT, EXIT_DNS, EXIT_HTTP, EXIT_TLS } from './errors.js';
import type { FailureContext } from './failureMessage.js';
import {
  CERT_PROBLEMS,
  FAILURE_PHASE_WORDS,
  certificateSentence,
  codeSuffix,
  elapsedText,
  handshakeSentence,
  isCertProblem,
  limitText,
  unreachableReason,
} from './failureMessage.js';
import { hostPort } from './address.js';
import { isErrorClass } from './errors.js';
import { http2FailureSentence } from './http2Codes.js';

/** Where in the stack a class comes from. */
export type ErrorFamily = 'dns' | 'connect' | 'tls' | 'http' | 'client' | 'injected' | 'recorded';

export const ERROR_FAMILIES: Record<ErrorFamily, string> = {
  dns: 'the name did not resolve',
  connect: 'no TCP connection',
  tls: 'no TLS session',
  http: 'the HTTP exchange broke',
  client: 'the client of the proxy gave up',
  injected: 'a NetLens rule failed it on purpose',
  recorded: 'another tool recorded a failure without saying why for certain',
};

/**
 * What the proxy's client is given when the failure comes before the response head. Where the
 * wire allows it the client sees the same kind of failure (a reset), because the client's own
 * error handling is often what is being debugged; otherwise a 502/504 naming the class.
 */
export type MirrorAction = { kind: 'reset' } | { kind: 'close' } | { kind: 'respond'; status: 502 | 504 };

export interface ErrorClassFacts {
  family: ErrorFamily;
  /** What happened, in one line. */
  meaning: string;
  /** Exit code of `netlens probe` for this class. */
  exitCode: number;
  /** How the proxy's client sees the failure before the response head... */
  mirror: MirrorAction;
  /** ...and after it: the status is on the wire, only the way the body ends is left. */
  mirrorAfterHead: 'reset' | 'close';
  /** The phase a failure of this class usually happens in (some classes happen in several). */
  phase: FailurePhase;
  /** Short label for the UI (the traffic list's status column, tooltips). */
  label: string;
  /** A retry of the identical request may succeed (the probe retry runner retries these). */
  retryable: boolean;
  /** Why retrying the identical request cannot help, when it cannot. */
  unfixable?: string;
  /** The message: names host, port, phase and time, and says what to check. */
  message(context: FailureContext): string;
}

const reset: MirrorAction = { kind: 'reset' };
const close: MirrorAction = { kind: 'close' };
const badGateway: MirrorAction = { kind: 'respond', status: 502 };
const gatewayTimeout: MirrorAction = { kind: 'respond', status: 504 };

const target = (c: FailureContext): string => hostPort(c.host, c.port);
const phaseWords = (c: FailureContext): string => FAILURE_PHASE_WORDS[c.phase];

/**
 * The message of a failure an HTTP/2 frame caused (its detail names RST_STREAM or GOAWAY and the
 * code, see shared/http2Codes.ts), or undefined for any other detail.
 */
function http2Message(c: FailureContext): string | undefined {
  const sentence = http2FailureSentence(c.detail);
  if (!sentence) return undefined;
  return `The request to ${target(c)} failed while ${phaseWords(c)}, after ${elapsedText(c)}: ${sentence.what}. ${sentence.fix}`;
}

export const ERROR_CLASS_TABLE: Record<ErrorClass, ErrorClassFacts> = {
  dns_not_found: {
    family: 'dns',
    meaning: 'the name does not resolve',
    exitCode: EXIT_DNS,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'dns',
    label: 'DNS',
    retryable: false,
    unfixable: 'the name does not resolve: check the host name or the DNS configuration',
    message: (c) =>
      `Failed to resolve ${c.host} (port ${c.port}): the DNS lookup found no such host after ${elapsedText(c)}${codeSuffix(c)}. ` +
      'Check the spelling of the host name, your DNS or VPN settings, and /etc/hosts.',
  },
  dns_timeout: {
    family: 'dns',
    meaning: 'the resolver did not answer in time',
    exitCode: EXIT_DNS,
    mirror: gatewayTimeout,
    mirrorAfterHead: 'close',
    phase: 'dns',
    label: 'DNS timeout',
    retryable: true,
    message: (c) =>
      `Failed to resolve ${c.host} (port ${c.port}): the DNS lookup got no answer after ${limitText(c)}${codeSuffix(c)}. ` +
      'Is the DNS server reachable (VPN, resolver settings), or is the network down?',
  },
  connect_refused: {
    family: 'connect',
    meaning: 'reached the host, nothing listening on the port',
    exitCode: EXIT_CONNECT,
    mirror: reset,
    mirrorAfterHead: 'close',
    phase: 'connect',
    label: 'refused',
    retryable: true,
    message: (c) =>
      `Failed to connect to ${target(c)}: the TCP connect was refused after ${elapsedText(c)}. ` +
      `Nothing is listening on port ${c.port} there: is the service running, on this port and address?`,
  },
  connect_timeout: {
    family: 'connect',
    meaning: 'the TCP handshake did not complete in time',
    exitCode: EXIT_CONNECT,
    mirror: gatewayTimeout,
    mirrorAfterHead: 'close',
    phase: 'connect',
    label: 'connect timeout',
    retryable: true,
    message: (c) =>
      `Failed to connect to ${target(c)}: TCP connect timed out after ${limitText(c)}. ` +
      'Is a firewall dropping packets, or is the host down?',
  },
  host_unreachable: {
    family: 'connect',
    meaning: 'no route to the host or network',
    exitCode: EXIT_CONNECT,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'connect',
    label: 'unreachable',
    retryable: true,
    message: (c) =>
      `Failed to connect to ${target(c)}: ${unreachableReason(c.detail ?? c.code)} (TCP connect failed after ${elapsedText(c)}). ` +
      'Check the network connection, VPN and routes, and that the address is right.',
  },
  tls_cert_invalid: {
    family: 'tls',
    meaning:
      "the server's certificate was rejected; the detail says why: expired, not yet valid, self-signed, unknown CA, hostname mismatch, revoked",
    exitCode: EXIT_TLS,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'tls',
    label: CERT_PROBLEMS.other.label,
    retryable: false,
    unfixable: 'the certificate is rejected: fix the certificate or the trust store',
    message: (c) => {
      const sentence = certificateSentence(c.detail ?? 'other', c);
      return `TLS handshake with ${target(c)} failed after ${elapsedText(c)}: ${sentence.what}. ${sentence.fix}`;
    },
  },
  tls_handshake_failed: {
    family: 'tls',
    meaning: 'the TLS handshake failed for another reason (protocol version, cipher, alert, timeout)',
    exitCode: EXIT_TLS,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'tls',
    label: 'TLS',
    retryable: false,
    message: (c) => {
      const sentence = handshakeSentence(c.detail, c);
      return `TLS handshake with ${target(c)} failed after ${elapsedText(c)}: ${sentence.what}. ${sentence.fix}`;
    },
  },
  connection_reset: {
    family: 'http',
    meaning: 'the server reset or closed the connection before the response completed',
    exitCode: EXIT_HTTP,
    mirror: reset,
    mirrorAfterHead: 'reset',
    phase: 'wait',
    label: 'reset',
    retryable: true,
    message: (c) =>
      http2Message(c) ??
      (c.detail === 'closed' && c.phase === 'wait'
        ? `${target(c)} closed the connection without sending a response (while ${phaseWords(c)}, after ${elapsedText(c)}). ` +
          'The server may have crashed, or dropped an idle keep-alive connection: check its logs.'
        : `The connection to ${target(c)} was reset while ${phaseWords(c)}, after ${elapsedText(c)}${codeSuffix(c)}. ` +
          'The server, or a proxy or load balancer in between, closed it: check their logs and idle timeouts.'),
  },
  response_timeout: {
    family: 'http',
    meaning: 'the request was sent, no response headers came in time',
    exitCode: EXIT_HTTP,
    mirror: gatewayTimeout,
    mirrorAfterHead: 'close',
    phase: 'wait',
    label: 'response timeout',
    retryable: true,
    message: (c) =>
      `No response from ${target(c)}: the request was sent but no response headers arrived within ${limitText(c)} (while ${phaseWords(c)}). ` +
      'The server is slow or stuck: check its logs, or raise the response timeout.',
  },
  body_timeout: {
    family: 'http',
    meaning: 'a body stalled mid-transfer (no data for the body idle timeout)',
    exitCode: EXIT_HTTP,
    mirror: gatewayTimeout,
    mirrorAfterHead: 'close',
    phase: 'receive',
    label: 'body stalled',
    retryable: true,
    message: (c) =>
      c.phase === 'send'
        ? `${target(c)} stopped reading the request body: no progress for ${limitText(c)} while ${phaseWords(c)}. ` +
          'The server may be stuck or refusing large uploads: check its logs.'
        : `The response from ${target(c)} stalled: no data for ${limitText(c)} while ${phaseWords(c)} (after ${elapsedText(c)} in all). ` +
          'The server or the network stalled mid-transfer: check the server, or raise the body idle timeout.',
  },
  incomplete_response: {
    family: 'http',
    meaning: 'the server closed before the declared body length',
    exitCode: EXIT_HTTP,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'receive',
    label: 'incomplete',
    retryable: true,
    message: (c) =>
      `The response from ${target(c)} ended early: the server closed the connection before the declared body length, after ${elapsedText(c)} (while ${phaseWords(c)}). ` +
      'The server may have crashed mid-response, or a proxy cut it: check its logs.',
  },
  protocol_error: {
    family: 'http',
    meaning: 'malformed HTTP, from the server or (phase `request`) from the client',
    exitCode: EXIT_HTTP,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'wait',
    label: 'bad HTTP',
    retryable: false,
    message: (c) =>
      http2Message(c) ??
      (c.phase === 'request'
        ? `The client sent NetLens a malformed HTTP request for ${target(c)} (while ${phaseWords(c)}, after ${elapsedText(c)})${c.detail ? `: ${c.detail}` : ''}. ` +
          "Check the client's HTTP implementation, or the size of its headers."
        : `${target(c)} sent a malformed HTTP response (while ${phaseWords(c)}, after ${elapsedText(c)})${c.detail ? `: ${c.detail}` : ''}. ` +
          'Is it an HTTP server on this port (not TLS, not another protocol)?'),
  },
  client_aborted: {
    family: 'client',
    meaning: 'the client went away before the exchange completed',
    exitCode: EXIT_HTTP,
    // The client is gone: there is no one to answer.
    mirror: close,
    mirrorAfterHead: 'close',
    phase: 'request',
    label: 'aborted',
    retryable: false,
    message: (c) =>
      http2Message(c) ??
      `The client closed its connection to NetLens while ${phaseWords(c)} (request to ${target(c)}, after ${elapsedText(c)}). ` +
        'Usually the client gave up (its own timeout) or was cancelled; check the client if that was not intended.',
  },
  injected_fault: {
    family: 'injected',
    meaning: 'a NetLens rule caused it, deliberately; the message names the rule',
    exitCode: EXIT_HTTP,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'wait',
    label: 'injected',
    retryable: false,
    message: (c) => {
      const rule = c.ruleName ? `NetLens rule "${c.ruleName}"` : 'A NetLens rule';
      return (
        `${rule} failed the request to ${target(c)} on purpose while ${phaseWords(c)}, after ${elapsedText(c)}${c.detail ? ` (${c.detail})` : ''}. ` +
        'Disable the rule to let the request through.'
      );
    },
  },
  // Only imported HAR files carry it: NetLens's own proxy and probes always know the class. Its
  // exit code and mirroring are never used; nothing is claimed about retries (not retryable, and
  // not unfixable either).
  unclassified: {
    family: 'recorded',
    meaning:
      "a failure another tool recorded (an imported HAR) whose cause its words do not make certain; the tool's text is kept in the detail",
    exitCode: EXIT_HTTP,
    mirror: badGateway,
    mirrorAfterHead: 'close',
    phase: 'wait',
    label: 'failed',
    retryable: false,
    message: (c) =>
      `The request to ${target(c)} failed after ${elapsedText(c)} (while ${phaseWords(c)}), and the record does not say why for certain${c.detail ? `: "${c.detail}"` : ''}. ` +
      'NetLens names a class only on unambiguous evidence (an exact error name or errno); capture it through NetLens to get a diagnosis.',
  },
};

export function errorClassFacts(errorClass: ErrorClass): ErrorClassFacts {
  return ERROR_CLASS_TABLE[errorClass];
}

/** The sentence for a failure: names host, port, phase and time, and says what to check. */
export function describeFailure(errorClass: ErrorClass, context: FailureContext): string {
  return ERROR_CLASS_TABLE[errorClass].message(context);
}

/** `netlens probe`'s exit code for a failure of this class: 3 DNS, 4 connect, 5 TLS, 6 HTTP. */
export function exitCodeForClass(errorClass: ErrorClass): number {
  return ERROR_CLASS_TABLE[errorClass].exitCode;
}

/** Errors a retry can plausibly fix (used by the probe retry runner and the retry analyser). */
export function isRetryableClass(errorClass: ErrorClass): boolean {
  return ERROR_CLASS_TABLE[errorClass].retryable;
}

/** How the proxy's client is shown a failure, before or after the response head went out. */
export function mirrorFor(errorClass: ErrorClass, responseHeadSent: boolean): MirrorAction {
  const facts = ERROR_CLASS_TABLE[errorClass];
  if (!responseHeadSent) return facts.mirror;
  return facts.mirrorAfterHead === 'reset' ? reset : close;
}

/**
 * The short label of a failure for the UI: the class's label, or for a rejected certificate the
 * problem (`cert expired`), for an injected fault the class it imitates (`injected refused`).
 */
export function errorLabel(error: Pick<NetlensError, 'class' | 'detail'>): string {
  if (error.class === 'tls_cert_invalid' && isCertProblem(error.detail))
    return CERT_PROBLEMS[error.detail].label;
  if (error.class === 'injected_fault' && isErrorClass(error.detail) && error.detail !== 'injected_fault') {
    return `injected ${ERROR_CLASS_TABLE[error.detail].label}`;
  }
  return ERROR_CLASS_TABLE[error.class].label;
}

/** The classes of a family, in the taxonomy's order. */
export function classesOfFamily(family: ErrorFamily): ErrorClass[] {
  return ERROR_CLASSES.filter((c) => ERROR_CLASS_TABLE[c].family === family);
}
