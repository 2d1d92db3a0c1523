/**
 * What a probe target means. `http://` and `https://` URLs run every layer; `tls://host:port`
 * stops after the TLS handshake; `host:port` is DNS and TCP only; a bare host name is taken as
 * `https://host/`, the common case today.
 */
import { isIP } from 'node:net';
import { unbracketHost, urlHostPort } from '../../../shared/address.js';

export interface ProbeTarget {
  scheme: 'http' | 'https' | 'tls' | 'tcp';
  /** Without brackets. */
  host: string;
  port: number;
  url?: URL;
}

export class TargetError extends Error {
  override name = 'TargetError';
}

export function parseProbeTarget(raw: string): ProbeTarget {
  const text = raw.trim();
  if (text === '') throw new TargetError('No target given: pass a URL (https://example.com/) or host:port.');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme) {
    if (scheme !== 'http' && scheme !== 'https' && scheme !== 'tls')
      throw new TargetError(
        `Unsupported scheme ${scheme}:// in ${text}: use http://, https://, tls:// or host:port.`,
      );
    let url: URL;
    try {
      url = new URL(scheme === 'tls' ? `https${text.slice(3)}` : text);
    } catch {
      throw new TargetError(`Not a valid URL: ${text}.`);
    }
    const host = unbracketHost(url.hostname);
    if (host === '') throw new TargetError(`No host in ${text}.`);
    if (scheme === 'tls') {
      if (url.port === '') throw new TargetError(`tls:// needs a port: tls://${host}:443.`);
      return { scheme, host, port: Number(url.port) };
    }
    const port = urlHostPort(url).port;
    return { scheme, host, port, url };
  }
  // [v6]:port, host:port, or a bare host.
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracketed)
    return { scheme: 'tcp', host: checkHost(bracketed[1]!, text), port: checkPort(bracketed[2]!, text) };
  if (isIP(text) === 6) throw new TargetError(`Add a port to the IPv6 address: [${text}]:443, or use a URL.`);
  const hostPort = /^([^:/\s]+):(\d+)$/.exec(text);
  if (hostPort)
    return { scheme: 'tcp', host: checkHost(hostPort[1]!, text), port: checkPort(hostPort[2]!, text) };
  if (/^[^:/\s]+$/.test(text)) {
    const url = new URL(`https://${text}/`);
    return { scheme: 'https', host: url.hostname, port: 443, url };
  }
  throw new TargetError(`Cannot read ${text} as a target: pass a URL (https://example.com/) or host:port.`);
}

function checkPort(text: string, target: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new TargetError(`Bad port in ${target}: ports are 1 to 65535.`);
  return port;
}

function checkHost(host: string, target: string): string {
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) throw new TargetError(`Bad host name in ${target}.`);
  return host;
}
