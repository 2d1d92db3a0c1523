import { useEffect, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import type { TlsStep } from '../../../shared/probe';
import { call } from '../../api';
import { formatClock } from '../../format';
import { TlsStepDetail } from '../probes/TlsStepDetail';

type Check =
  | { status: 'running' }
  | { status: 'done'; step: TlsStep | undefined; atMs: number }
  | { status: 'error'; message: string };

/** `tls://host:port` of the exchange's server, or undefined when it is not an https URL. */
export function tlsTargetOf(exchange: Exchange): string | undefined {
  try {
    const url = new URL(exchange.request.url);
    if (url.protocol !== 'https:') return undefined;
    return `tls://${url.host}${url.port === '' ? ':443' : ''}`;
  } catch {
    return undefined;
  }
}

/** An exchange that failed in the TLS handshake with the server: its certificate is worth showing. */
export function failedUpstreamTls(exchange: Exchange): boolean {
  const cls = exchange.error?.class;
  return (
    (cls === 'tls_cert_invalid' || cls === 'tls_handshake_failed') && tlsTargetOf(exchange) !== undefined
  );
}

/**
 * The server's certificate for an exchange whose upstream handshake failed. A rejected handshake
 * leaves no session to read it from, so NetLens connects to the server again with the TLS probe
 * (the same check and the same component as the Probes view) and says when it did.
 */
export function ServerCertificate({ exchange }: { exchange: Exchange }) {
  const target = tlsTargetOf(exchange);
  const [check, setCheck] = useState<Check>({ status: 'running' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!target) return;
    let cancelled = false;
    call('probe:run', { target })
      .then((report) => {
        if (cancelled) return;
        const step = report.steps.find((s): s is TlsStep => s.kind === 'tls');
        setCheck({ status: 'done', step, atMs: Date.now() });
      })
      .catch((error: unknown) => {
        if (!cancelled)
          setCheck({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [target, attempt]);
  const run = () => {
    setCheck({ status: 'running' });
    setAttempt((n) => n + 1);
  };
  if (!target) return null;
  const host = target.slice('tls://'.length);
  return (
    <section
      className="server-certificate"
      aria-label="Server certificate"
      aria-busy={check.status === 'running'}
    >
      <h3>Server certificate</h3>
      <p className="muted">
        {exchange.error?.class === 'tls_cert_invalid'
          ? `The proxy rejected ${host}'s certificate${exchange.error.detail ? ` (${exchange.error.detail.replace(/_/g, ' ')})` : ''}. `
          : `The TLS handshake with ${host} failed. `}
        A rejected handshake leaves nothing to read, so NetLens connected to {host} again
        {check.status === 'done' ? ` at ${formatClock(check.atMs)}` : ''} to show the certificate it sends.{' '}
        <button type="button" disabled={check.status === 'running'} onClick={() => run()}>
          {check.status === 'running' ? 'Checking…' : 'Check again'}
        </button>
      </p>
      {check.status === 'error' && (
        <p role="alert" className="replay-problem">
          Could not check {host}: {check.message}
        </p>
      )}
      {check.status === 'done' &&
        (check.step ? (
          <TlsStepDetail step={check.step} label={`TLS with ${host}`} />
        ) : (
          <p className="muted">
            The check did not reach the TLS handshake (the server could not be reached this time).
          </p>
        ))}
    </section>
  );
}
