/**
 * Whether something accepts connections on the proxy's address. A terminal pointed at a port
 * nobody listens on fails every request, so `netlens env` and `netlens shell` check first.
 */
import net from 'node:net';
import { unbracketHost } from '../../../../shared/address.js';

/** A wildcard listen address is reached through loopback from this machine. */
export function connectableHost(host: string): string {
  const h = unbracketHost(host);
  if (h === '0.0.0.0' || h === '') return '127.0.0.1';
  if (h === '::') return '::1';
  return h;
}

export class ProxyNotListeningError extends Error {
  readonly code = 'proxy_not_listening';
}

/** Resolves when a TCP connection to host:port succeeds; rejects with what happened otherwise. */
export function checkProxyListening(host: string, port: number, timeoutMs = 3000): Promise<void> {
  const target = connectableHost(host);
  const shown = `${target.includes(':') ? `[${target}]` : target}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProxyNotListeningError(`Nothing answered on ${shown} within ${timeoutMs} ms.`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why =
        error.code === 'ECONNREFUSED'
          ? `Nothing is listening on ${shown}`
          : `Cannot connect to ${shown} (${error.code ?? error.message})`;
      reject(new ProxyNotListeningError(`${why}.`));
    });
  });
}
