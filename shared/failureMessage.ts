/**
 * The words of a failure message: what the error-class table's message templates are made of.
 * Every message names host, port, phase and time, and says what to check (`Failed to connect to
 * auth.internal:443: TCP connect timed out after 3000 ms. Is a firewall dropping packets, or is
 * the host down?`). Times go through formatDurationMs, so a message and the UI that shows the
 * same failure write its time the same way.
 */
import type { CertProblem, FailurePhase } from './errors.js';
import type { CertificateSummary } from './model.js';
import { formatDurationMs } from './format.js';

export interface FailureContext {
  host: string;
  port: number;
  phase: FailurePhase;
  /** Time from the start of the exchange (or probe step) to the failure. */
  elapsedMs: number;
  /** The limit that expired, for timeouts: the message quotes it rather than the elapsed time. */
  timeoutMs?: number;
  /** A CertProblem for tls_cert_invalid, a reason for the rest; overrides what classifyError found. */
  detail?: string;
  /** The rule that acted, for injected_fault. */
  ruleName?: string;
  protocol?: 'http' | 'https' | 'tcp';
  /** The OS / library error code, when known. */
  code?: string;
  /** The peer's certificate, when known: lets the message say e.g. when it expired. */
  certificate?: Pick<CertificateSummary, 'validFromMs' | 'validToMs'> & Partial<CertificateSummary>;
}

/** How a message says where a failure happened: `while <phase>`. */
export const FAILURE_PHASE_WORDS: Record<FailurePhase, string> = {
  request: 'reading the request',
  dns: 'DNS lookup',
  connect: 'TCP connect',
  tls: 'TLS handshake',
  send: 'sending the request',
  wait: 'waiting for the response',
  receive: 'receiving the response body',
};

/** `what happened` and `what to check`, the two halves of a message's detail. */
export interface Sentence {
  what: string;
  fix: string;
}

export function elapsedText(context: FailureContext): string {
  return formatDurationMs(Math.max(0, context.elapsedMs));
}

/** The limit that expired, or the elapsed time when the limit is not known. */
export function limitText(context: FailureContext): string {
  return formatDurationMs(Math.max(0, context.timeoutMs ?? context.elapsedMs));
}

export function codeSuffix(context: FailureContext): string {
  return context.code ? ` (${context.code})` : '';
}

function day(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** What each certificate problem is called in the UI, and what its message says. */
export const CERT_PROBLEMS: Record<
  CertProblem,
  { label: string; sentence(context: FailureContext): Sentence }
> = {
  expired: {
    label: 'cert expired',
    sentence: (context) => ({
      what: context.certificate
        ? `the server's certificate expired on ${day(context.certificate.validToMs)}`
        : "the server's certificate has expired",
      fix: "Renew the certificate on the server, or check this machine's clock.",
    }),
  },
  not_yet_valid: {
    label: 'cert not yet valid',
    sentence: (context) => ({
      what: context.certificate
        ? `the server's certificate is not valid until ${day(context.certificate.validFromMs)}`
        : "the server's certificate is not valid yet",
      fix: "Check this machine's clock, and the dates of the server's certificate.",
    }),
  },
  self_signed: {
    label: 'self-signed cert',
    sentence: () => ({
      what: "the server's certificate is self-signed",
      fix: 'Trust that certificate explicitly (CA bundle, or list the host in insecure hosts), or install one from a trusted CA on the server.',
    }),
  },
  unknown_ca: {
    label: 'unknown CA',
    sentence: () => ({
      what: "the server's certificate was issued by a CA this machine does not trust",
      fix: 'Make the server send its full chain (intermediate certificates), or trust the issuing CA.',
    }),
  },
  hostname_mismatch: {
    label: 'cert name mismatch',
    sentence: (context) => {
      const names = context.certificate?.subjectAltNames?.length
        ? ` (it lists ${context.certificate.subjectAltNames.join(', ')})`
        : '';
      return {
        what: `the server's certificate is not valid for ${context.host}${names}`,
        fix: 'Connect with a name the certificate lists, or fix the certificate on the server.',
      };
    },
  },
  revoked: {
    label: 'cert revoked',
    sentence: () => ({
      what: "the server's certificate has been revoked by its issuer",
      fix: 'The server needs a new certificate.',
    }),
  },
  other: {
    label: 'bad cert',
    sentence: () => ({
      what: "the server's certificate was rejected",
      fix: "Inspect the server's certificate chain (netlens probe, or openssl s_client).",
    }),
  },
};

export function isCertProblem(value: string | undefined): value is CertProblem {
  return value !== undefined && Object.hasOwn(CERT_PROBLEMS, value);
}

/** A certificate problem's sentence; an unknown detail is quoted in the generic one. */
export function certificateSentence(detail: string | undefined, context: FailureContext): Sentence {
  if (isCertProblem(detail)) return CERT_PROBLEMS[detail].sentence(context);
  const generic = CERT_PROBLEMS.other.sentence(context);
  return detail ? { ...generic, what: `${generic.what} (${detail})` } : generic;
}

const CLIENT_REJECTED_ALERTS = [
  'unknown ca',
  'bad certificate',
  'certificate unknown',
  'certificate expired',
  'decrypt error',
];

/** A handshake failure's sentence, from its detail: `timeout`, `reset`, `alert: NAME` or OpenSSL's reason. */
export function handshakeSentence(detail: string | undefined, context: FailureContext): Sentence {
  const d = (detail ?? '').toLowerCase();
  if (d === 'timeout') {
    return {
      what: `the handshake did not complete within ${limitText(context)}`,
      fix: 'Is the port really a TLS port, and is the server overloaded?',
    };
  }
  if (d === 'reset') {
    return {
      what: 'the peer closed the connection during the handshake',
      fix: 'The server may reject this SNI name or require a client certificate, or a middlebox cut it: check the server logs.',
    };
  }
  if (
    d.includes('wrong version number') ||
    d.includes('packet length too long') ||
    d.includes('http request')
  ) {
    return {
      what: 'the peer did not answer with TLS',
      fix: 'Is this a plain-HTTP port? Try http:// instead of https://.',
    };
  }
  if (d.startsWith('alert: ')) {
    const alert = d.slice('alert: '.length);
    if (CLIENT_REJECTED_ALERTS.includes(alert)) {
      return {
        what: `the peer rejected the certificate it was shown (TLS alert "${alert}")`,
        fix: 'If the peer is a client of NetLens, trust the NetLens CA there (netlens ca prints its path).',
      };
    }
    if (alert === 'protocol version') {
      return {
        what: 'no TLS version is supported by both sides (TLS alert "protocol version")',
        fix: 'The server may offer only old TLS (1.0/1.1), or only TLS 1.3 to an old client.',
      };
    }
    if (alert === 'handshake failure' || alert === 'insufficient security') {
      return {
        what: `no cipher suite or parameters in common (TLS alert "${alert}")`,
        fix: "Compare the server's TLS configuration with what the client offers (netlens probe shows it).",
      };
    }
    if (alert === 'certificate required') {
      return {
        what: 'the server requires a client certificate (TLS alert "certificate required")',
        fix: 'Configure a client certificate for this host.',
      };
    }
    return {
      what: `the peer sent TLS alert "${alert}"`,
      fix: "Check the server's TLS configuration and logs.",
    };
  }
  if (
    d.includes('unsupported protocol') ||
    d.includes('no protocols available') ||
    d.includes('version too low')
  ) {
    return {
      what: `no TLS version is supported by both sides (${detail})`,
      fix: 'The server may offer only old TLS (1.0/1.1).',
    };
  }
  return {
    what: detail ? `the handshake failed (${detail})` : 'the handshake failed',
    fix: "Check the server's TLS configuration (netlens probe shows the handshake).",
  };
}

/** Why a host is unreachable, from the OS error code. */
export function unreachableReason(code: string | undefined): string {
  switch (code) {
    case 'ENETUNREACH':
      return 'the network is unreachable';
    case 'EADDRNOTAVAIL':
      return 'the address is not available from this machine';
    case 'ENETDOWN':
      return 'the network is down';
    case 'EAFNOSUPPORT':
      return 'this machine has no route for that address family (IPv6?)';
    default:
      return 'there is no route to the host';
  }
}
