import net from 'node:net';

/**
 * Whether a host is an IP literal (no SNI then, RFC 6066 §3), remembered: Node answers with a
 * large regular expression, and the same few hosts come back on every request. One instance per
 * proxy (owned by ProxyServer), bounded: when full it starts over.
 */
export class IpLiterals {
  private readonly known = new Map<string, boolean>();

  has(host: string): boolean {
    let known = this.known.get(host);
    if (known === undefined) {
      known = net.isIP(host) !== 0;
      if (this.known.size >= 1024) this.known.clear();
      this.known.set(host, known);
    }
    return known;
  }
}
