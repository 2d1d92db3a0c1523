/** Parses a CONNECT request target in authority form (RFC 9112 §3.2.3): `host:port`, `[v6]:port`. */
export function parseAuthority(target: string | undefined): { host: string; port: number } | undefined {
  if (!target) return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/?#[\]@]+)):(\d{1,5})$/.exec(target);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}
