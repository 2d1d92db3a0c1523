/**
 * Flags an address by the kind of network it belongs to. A public name that resolves to one of
 * these is a classic bug (a service advertising its container-internal address), so the DNS
 * step shows them. Ranges: RFC 1918 (private), RFC 6598 (CGNAT), RFC 3927 / RFC 4291 (link
 * local), RFC 4193 (ULA), RFC 5737 / RFC 3849 (documentation).
 */
import { isIP } from 'node:net';
import type { AddressFlag } from '../../../shared/probe.js';

export function addressFlags(address: string): AddressFlag[] {
  const family = isIP(address);
  if (family === 4) return ipv4Flags(address);
  if (family === 6) return ipv6Flags(address);
  return [];
}

function ipv4Flags(address: string): AddressFlag[] {
  const [a = 0, b = 0, c = 0] = address.split('.').map(Number);
  if (a === 127) return ['loopback'];
  if (a === 0) return ['unspecified'];
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return ['private'];
  if (a === 169 && b === 254) return ['link_local'];
  if (a === 100 && b >= 64 && b <= 127) return ['cgnat'];
  if (a >= 224 && a <= 239) return ['multicast'];
  if (
    (a === 192 && b === 0 && c === 2) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  )
    return ['documentation'];
  return [];
}

/** Expands an IPv6 address to its eight 16-bit groups (handles `::` and an embedded IPv4 tail). */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // Rewrite an embedded IPv4 tail (`::ffff:1.2.3.4`) as two hex groups.
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const missing = 8 - left.length - right.length;
  return [...left, ...new Array<number>(Math.max(missing, 0)).fill(0), ...right];
}

function ipv6Flags(address: string): AddressFlag[] {
  const g = ipv6Groups(address);
  const g0 = g[0] ?? 0;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address decides.
    const v4 = `${(g[6] ?? 0) >> 8}.${(g[6] ?? 0) & 0xff}.${(g[7] ?? 0) >> 8}.${(g[7] ?? 0) & 0xff}`;
    return ipv4Flags(v4);
  }
  if (g.slice(0, 7).every((x) => x === 0))
    return g[7] === 1 ? ['loopback'] : g[7] === 0 ? ['unspecified'] : [];
  if ((g0 & 0xffc0) === 0xfe80) return ['link_local'];
  if ((g0 & 0xfe00) === 0xfc00) return ['ula'];
  if ((g0 & 0xff00) === 0xff00) return ['multicast'];
  if (g0 === 0x2001 && g[1] === 0x0db8) return ['documentation'];
  return [];
}
