import type { TlsStep } from '../../../shared/probe';
import { formatBytes } from '../../../shared/format';
import { CertificateChain } from './CertificateChain';

/**
 * A TLS handshake as a probe saw it: the verdict with its reason, the session's parameters and
 * the chain. The Probes view and the TLS tab of a failed exchange both show it.
 */
export function TlsStepDetail({ step, label = 'TLS' }: { step: TlsStep; label?: string }) {
  return (
    <section className="probe-section" aria-label={label}>
      <h3>{label}</h3>
      <dl className="kv">
        <dt>Verdict</dt>
        <dd>
          {step.valid ? (
            <span className="badge">valid for {step.servername}</span>
          ) : (
            <span className="badge danger">
              rejected: {step.problem ?? 'invalid'} ({step.reason ?? 'unknown reason'})
            </span>
          )}
          {step.insecure ? <span className="muted"> — continued anyway (insecure)</span> : null}
          {!step.valid && step.problem !== 'hostname_mismatch' && step.nameMatches === false ? (
            <div>
              <span className="badge danger">and not valid for {step.servername} either</span>
            </div>
          ) : null}
        </dd>
        <dt>Protocol</dt>
        <dd>{step.protocol ?? '—'}</dd>
        <dt>Cipher</dt>
        <dd className="mono">{step.cipher ?? '—'}</dd>
        <dt>ALPN</dt>
        <dd>{step.alpn ?? 'none'}</dd>
        <dt>OCSP stapling</dt>
        <dd>{step.ocspStapled ? `yes (${formatBytes(step.ocspResponseBytes)})` : 'no'}</dd>
      </dl>
      <CertificateChain chain={step.chain} />
    </section>
  );
}
