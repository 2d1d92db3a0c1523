/**
 * TLS step: handshake over the connected socket and report protocol, cipher, ALPN, the full
 * chain, OCSP stapling, and whether the chain validates for the name. The handshake runs with
 * rejectUnauthorized:false so the chain can be shown even when it is rejected; the verdict is
 * then taken from Node's own verification (authorizationError) plus checkServerIdentity.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsStep } from '../../../shared/probe.js';
import { certProblemOf, chainOf } from './certificateChain.js';
import { probeErrorFrom, probeFailure } from './probeFailure.js';
import { monotonicMs, roundMs } from './probeClock.js';

export interface TlsProbeOptions {
  socket: net.Socket;
  /** The name the certificate must be valid for (host of the URL). */
  host: string;
  port: number;
  timeoutMs: number;
  alpnProtocols: string[];
  /** Extra trusted CA certificates (PEM), on top of Node's bundled roots. */
  ca?: string[];
  /** Carry on with a rejected certificate (the problem is still reported). */
  insecure?: boolean;
  now?: () => number;
}

export interface TlsProbeResult {
  step: TlsStep;
  socket?: tls.TLSSocket;
}

export function tlsProbe(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const now = options.now ?? Date.now;
  const servername = net.isIP(options.host) === 0 ? options.host : undefined;
  const started = monotonicMs();
  const ctx = (extra: { detail?: string } = {}) => ({
    host: options.host,
    port: options.port,
    phase: 'tls' as const,
    elapsedMs: roundMs(monotonicMs() - started),
    timeoutMs: options.timeoutMs,
    ...extra,
  });
  const base = {
    kind: 'tls' as const,
    servername: servername ?? options.host,
    chain: [],
    valid: false,
    ocspStapled: false,
    insecure: false,
  };
  return new Promise((resolve) => {
    let ocspResponseBytes: number | undefined;
    // requestOCSP is passed through by tls.connect to the TLSSocket, though @types/node omits it.
    const connectOptions: tls.ConnectionOptions & { requestOCSP?: boolean } = {
      socket: options.socket,
      ...(servername ? { servername } : {}),
      ALPNProtocols: options.alpnProtocols,
      rejectUnauthorized: false,
      requestOCSP: true,
      ...(options.ca && options.ca.length > 0 ? { ca: [...tls.rootCertificates, ...options.ca] } : {}),
    };
    const socket = tls.connect(connectOptions);
    let settled = false;
    const finish = (result: TlsProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result.socket) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({
        step: {
          ...base,
          ok: false,
          durationMs: roundMs(monotonicMs() - started),
          error: probeFailure('tls_handshake_failed', ctx({ detail: 'timeout' })),
        },
      });
    }, options.timeoutMs);
    socket.on('OCSPResponse', (response: Buffer) => {
      if (response && response.length > 0) ocspResponseBytes = response.length;
    });
    socket.on('error', (error) => {
      finish({
        step: {
          ...base,
          ok: false,
          durationMs: roundMs(monotonicMs() - started),
          error: probeErrorFrom(error, ctx()),
        },
      });
    });
    socket.once('secureConnect', () => {
      const durationMs = roundMs(monotonicMs() - started);
      const chain = chainOf(socket.getPeerCertificate(true), now());
      const cipher = socket.getCipher();
      // The name is checked whatever the chain's verdict, so "unknown CA" does not hide "and not
      // for this host either" (Node checks it only when the chain verified, and not on resumption).
      const peer = socket.getPeerCertificate();
      const identity =
        peer && Object.keys(peer).length > 0 ? tls.checkServerIdentity(options.host, peer) : undefined;
      let reason = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN');
      if (!reason && identity) reason = (identity as NodeJS.ErrnoException).code ?? identity.message;
      const problem = certProblemOf(reason);
      const step: TlsStep = {
        ...base,
        ok: true,
        durationMs,
        chain,
        valid: problem === undefined,
        nameMatches: identity === undefined,
        ocspStapled: ocspResponseBytes !== undefined,
      };
      const protocol = socket.getProtocol();
      if (protocol) step.protocol = protocol;
      if (cipher?.standardName || cipher?.name) step.cipher = cipher.standardName || cipher.name;
      if (socket.alpnProtocol) step.alpn = socket.alpnProtocol;
      if (ocspResponseBytes !== undefined) step.ocspResponseBytes = ocspResponseBytes;
      if (problem) {
        step.problem = problem;
        step.reason = reason;
        if (options.insecure) {
          step.insecure = true;
        } else {
          step.ok = false;
          const leaf = chain[0];
          step.error = probeFailure('tls_cert_invalid', {
            ...ctx({ detail: problem }),
            ...(reason ? { code: reason } : {}),
            ...(leaf
              ? {
                  certificate: {
                    validFromMs: leaf.validFromMs,
                    validToMs: leaf.validToMs,
                    subjectAltNames: leaf.subjectAltNames,
                  },
                }
              : {}),
          });
          finish({ step });
          return;
        }
      }
      finish({ step, socket });
    });
  });
}
