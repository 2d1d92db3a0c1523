/**
 * HTTP/1.1 Upgrade requests NetLens does not carry out (RFC 9110 §7.8: a server may ignore an
 * Upgrade and answer the request as it is). NetLens forwards WebSocket upgrades; any other —
 * `h2c` from `curl --http2 http://…` (RFC 7540 §3.2), `TLS/1.0` (RFC 2817) — is taken out of the
 * request, which then goes on as the plain HTTP/1.1 request it also is.
 */

/** Whether the request asks for WebSocket: the one upgrade the proxy forwards. */
export function isWebSocketUpgrade(upgradeValue: string | undefined): boolean {
  if (upgradeValue === undefined) return false;
  return upgradeValue.split(',').some((token) => token.trim().toLowerCase().split('/')[0] === 'websocket');
}

/**
 * The head without the upgrade: no Upgrade field, no HTTP2-Settings (it belongs to the h2c
 * upgrade alone, RFC 7540 §3.2.1), and a Connection field without the tokens naming them
 * (dropped when nothing else is left in it). Order and case of the rest kept.
 */
export function withoutUpgrade(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (lower === 'upgrade' || lower === 'http2-settings') continue;
    if (lower === 'connection') {
      const kept = rawHeaders[i + 1]!.split(',')
        .map((token) => token.trim())
        .filter((token) => token !== '' && !UPGRADE_TOKENS.has(token.toLowerCase()));
      if (kept.length > 0) out.push(name, kept.join(', '));
      continue;
    }
    out.push(name, rawHeaders[i + 1]!);
  }
  return out;
}

const UPGRADE_TOKENS = new Set(['upgrade', 'http2-settings']);
