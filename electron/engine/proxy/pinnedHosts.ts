/**
 * Hosts whose clients rejected the NetLens certificate (certificate pinning, or a client that
 * does not trust the CA). Their CONNECTs are tunnelled without interception for the rest of the
 * run, so the client keeps working; the user sees the rejection recorded once.
 */
export class PinnedHosts {
  private readonly hosts = new Map<string, string>();

  add(host: string, reason: string): void {
    this.hosts.set(host.toLowerCase(), reason);
  }

  has(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
  }

  list(): { host: string; reason: string }[] {
    return [...this.hosts].map(([host, reason]) => ({ host, reason }));
  }

  clear(): void {
    this.hosts.clear();
  }
}

/**
 * OpenSSL reports a TLS alert received from the peer as e.g. `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`
 * or `...SSLV3_ALERT_BAD_CERTIFICATE`; these alerts (RFC 8446 §6.2) mean the client refused our
 * certificate, not that it cannot speak TLS.
 */
const REJECTION_ALERTS = [
  'unknown_ca',
  'bad_certificate',
  'certificate_unknown',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'access_denied',
  'decrypt_error',
];

export function certificateRejectionAlert(error: { code?: string; message?: string }): string | undefined {
  const text = `${error.code ?? ''} ${error.message ?? ''}`.toLowerCase().replace(/[\s-]+/g, '_');
  return REJECTION_ALERTS.find((alert) => text.includes(`alert_${alert}`));
}
