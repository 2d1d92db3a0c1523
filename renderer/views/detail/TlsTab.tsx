import { useState } from 'react';
import type { Exchange, TlsInfo } from '../../../shared/model';
import { failedUpstreamTls, ServerCertificate } from './ServerCertificate';

function date(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

function TlsTable({ tls, label }: { tls: TlsInfo; label: string }) {
  const cert = tls.certificate;
  const [nowMs] = useState(() => Date.now());
  const rows: [string, string][] = [];
  if (tls.protocol) rows.push(['Protocol', tls.protocol]);
  if (tls.cipher) rows.push(['Cipher', tls.cipher]);
  if (tls.alpn) rows.push(['ALPN', tls.alpn]);
  if (tls.servername) rows.push(['SNI', tls.servername]);
  if (tls.verificationDisabled) rows.push(['Verification', 'disabled for this host (insecure)']);
  if (cert) {
    rows.push(['Subject', cert.subject]);
    rows.push(['Issuer', cert.issuer]);
    rows.push(['SANs', cert.subjectAltNames.join(', ') || '(none)']);
    const state = nowMs > cert.validToMs ? ' — EXPIRED' : nowMs < cert.validFromMs ? ' — NOT YET VALID' : '';
    rows.push(['Valid', `${date(cert.validFromMs)} → ${date(cert.validToMs)}${state}`]);
    if (cert.serialNumber) rows.push(['Serial', cert.serialNumber]);
    if (cert.fingerprint256) rows.push(['SHA-256', cert.fingerprint256]);
  }
  return (
    <table className="kv" aria-label={label}>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TlsTab({ exchange }: { exchange: Exchange }) {
  const { tls, clientTls } = exchange.connection;
  const failed = failedUpstreamTls(exchange);
  if (!tls && !clientTls && !failed)
    return (
      <p className="muted">
        {exchange.kind === 'tunnel'
          ? 'Tunnelled without interception: NetLens did not see the TLS session.'
          : exchange.connection.reused
            ? 'No TLS details recorded for this reused connection.'
            : 'No TLS: plain HTTP.'}
      </p>
    );
  return (
    <div>
      {failed && <ServerCertificate exchange={exchange} />}
      {tls && (
        <>
          <h3>Upstream (NetLens ↔ server)</h3>
          <TlsTable tls={tls} label="Upstream TLS" />
        </>
      )}
      {clientTls && (
        <>
          <h3>Client (client ↔ NetLens)</h3>
          <TlsTable tls={clientTls} label="Client TLS" />
        </>
      )}
    </div>
  );
}
