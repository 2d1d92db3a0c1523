/**
 * Hosts whose clients rejected the NetLens certificate (certificate pinning, or a client that
 * does not trust the CA). Their CONNECTs are tunnelled without interception for the rest of the
 * run, so the client keeps working; the user sees the rejection recorded once.
 */
/** Hosts with a silent hang-up on record; the oldest is forgotten past this many. */
const MAX_SUSPECTS = 1000;

export class PinnedHosts {
  private readonly hosts = new Map<string, string>();
  /** Hosts whose last client handshake ended in a hang-up without an alert. */
  private readonly suspects = new Set<string>();

  add(host: string, reason: string): void {
    this.hosts.set(host.toLowerCase(), reason);
    this.suspects.delete(host.toLowerCase());
  }

  /**
   * A client hung up during our handshake without an alert. That is how a few clients reject a
   * certificate, but also how browsers drop a speculative connection they no longer need
   * (Chromium aborts its preconnect as the real request starts). One hang-up only makes the host
   * a suspect; a second in a row, with no completed handshake between, pins it. Returns whether
   * the host is now pinned.
   */
  hungUp(host: string, reason: string): boolean {
    const name = host.toLowerCase();
    if (this.suspects.has(name)) {
      this.add(name, reason);
      return true;
    }
    this.suspects.add(name);
    if (this.suspects.size > MAX_SUSPECTS) this.suspects.delete(this.suspects.values().next().value!);
    return false;
  }

  /** A client completed a handshake with our certificate: whatever hang-up came before was not a rejection. */
  accepted(host: string): void {
    this.suspects.delete(host.toLowerCase());
  }

  has(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
  }

  list(): { host: string; reason: string }[] {
    return [...this.hosts].map(([host, reason]) => ({ host, reason }));
  }

  clear(): void {
    this.hosts.clear();
    this.suspects.clear();
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
