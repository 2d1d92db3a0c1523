import type { CertificateInfo } from '../../../shared/probe';

function day(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '?';
}

/** The chain leaf first, with validity and days left; expired or soon-expiring ones stand out. */
export function CertificateChain({ chain }: { chain: CertificateInfo[] }) {
  if (chain.length === 0) return <p className="muted">The server sent no certificate.</p>;
  return (
    <ol className="cert-chain">
      {chain.map((cert, index) => {
        const tone = cert.daysLeft < 0 ? 'danger' : cert.daysLeft < 14 ? 'warn' : '';
        return (
          <li key={`${cert.fingerprint256 ?? index}`} className="cert">
            <div className="cert-subject">
              <span className="muted">{index === 0 ? 'Leaf' : cert.selfSigned ? 'Root' : 'Issuer'}</span>{' '}
              <span className="mono">{cert.subject || '(no subject)'}</span>
              {cert.selfSigned ? <span className="badge warn">self-signed</span> : null}
            </div>
            <dl className="kv">
              <dt>Issuer</dt>
              <dd className="mono">{cert.issuer}</dd>
              {cert.subjectAltNames.length > 0 ? (
                <>
                  <dt>Names</dt>
                  <dd className="mono">{cert.subjectAltNames.join(', ')}</dd>
                </>
              ) : null}
              <dt>Valid</dt>
              <dd>
                {day(cert.validFromMs)} → {day(cert.validToMs)}{' '}
                <span className={tone ? `badge ${tone}` : 'badge'}>
                  {cert.daysLeft < 0 ? `expired ${-cert.daysLeft} days ago` : `${cert.daysLeft} days left`}
                </span>
              </dd>
              {cert.fingerprint256 ? (
                <>
                  <dt>SHA-256</dt>
                  <dd className="mono fingerprint">{cert.fingerprint256}</dd>
                </>
              ) : null}
            </dl>
          </li>
        );
      })}
    </ol>
  );
}
