/**
 * The identity of an upstream connection pool: an idle connection may carry a new request only
 * when everything that shaped the connection is the same — scheme, host, port and, for TLS, the
 * SNI sent and whether the certificate was verified (a connection opened with verification off
 * must never serve a host that asks for it on).
 */
export interface PoolKeyInput {
  protocol?: string | null;
  host?: string | null;
  hostname?: string | null;
  port?: number | string | null;
  servername?: string | null;
  rejectUnauthorized?: boolean;
}

export function poolKey(
  options: PoolKeyInput,
  protocol: string | null | undefined = options.protocol,
): string {
  const tls = protocol === 'https:';
  const host = (options.hostname ?? options.host ?? 'localhost').toLowerCase();
  const port = Number(options.port ?? (tls ? 443 : 80));
  if (!tls) return `http://${host}:${port}`;
  const sni = options.servername ? options.servername.toLowerCase() : '';
  const verify = options.rejectUnauthorized === false ? 'noverify' : 'verify';
  return `https://${host}:${port}|sni=${sni}|${verify}`;
}
