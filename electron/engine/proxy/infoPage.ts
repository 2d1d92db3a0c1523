import type http from 'node:http';

export interface InfoPageContent {
  caCertPem: string;
  proxyUrl: string;
}

/** Where NetLens serves its proxy auto-config file (the OS gets it in `system-proxy --pac` mode). */
export const PAC_PATH = '/proxy.pac';

/**
 * A PAC file naming the proxy that served it, then DIRECT: a client whose proxy stops answering
 * (NetLens stopped) falls back to going direct, and once the file itself cannot be fetched the
 * client goes direct too. Loopback stays direct, as in manual mode.
 */
export function pacScript(host: string, port: number): string {
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return [
    '// NetLens proxy auto-config: through NetLens while it runs, direct otherwise.',
    'function FindProxyForURL(url, host) {',
    "  if (host === 'localhost' || host === '::1' || host === '[::1]' || shExpMatch(host, '127.*')) return 'DIRECT';",
    `  return 'PROXY ${authority}; DIRECT';`,
    '}',
    '',
  ].join('\n');
}

function authorityOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) };
}

/** The address a client reached this server at (a source listener's port for its own clients). */
function localAuthority(req: http.IncomingMessage): { host: string; port: number } | undefined {
  const { localAddress, localPort } = req.socket;
  if (!localAddress || !localPort) return undefined;
  return { host: localAddress.replace(/^::ffff:(?=\d+\.)/, ''), port: localPort };
}

/**
 * Requests addressed to the proxy itself (origin-form, or absolute-form naming the proxy):
 * a short page saying what this is and where the CA certificate is, so a browser pointed at
 * the proxy can fetch the CA from http://proxy/ca.pem.
 */
export function serveInfoPage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  content: InfoPageContent,
): void {
  const path = (req.url ?? '/').replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
  const method = req.method ?? 'GET';
  req.resume();
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'NetLens proxy: only GET is served here.\n', {
      Allow: 'GET, HEAD',
    });
    return;
  }
  if (path === '/ca.pem' || path === '/ca.crt') {
    send(res, 200, 'application/x-pem-file', content.caCertPem, {
      'Content-Disposition': 'attachment; filename="netlens-ca.pem"',
    });
    return;
  }
  if (path === PAC_PATH) {
    // The port the client fetched this from is the one to name: the `system` listener's port
    // for the OS proxy setting, so its traffic keeps its label.
    const { host, port } = localAuthority(req) ?? authorityOf(content.proxyUrl);
    send(res, 200, 'application/x-ns-proxy-autoconfig', pacScript(host, port));
    return;
  }
  if (path === '/' || path === '') {
    const text =
      `NetLens proxy is running at ${content.proxyUrl}\n\n` +
      `Point your client at it as an HTTP and HTTPS proxy, e.g.\n` +
      `  curl -x ${content.proxyUrl} --cacert netlens-ca.pem https://example.com/\n\n` +
      `Intercepting HTTPS needs the NetLens CA certificate trusted by the client:\n` +
      `  ${content.proxyUrl}/ca.pem\n\n` +
      `Proxy auto-config (PAC) file: ${content.proxyUrl}${PAC_PATH}\n`;
    send(res, 200, 'text/plain; charset=utf-8', text);
    return;
  }
  send(
    res,
    404,
    'text/plain; charset=utf-8',
    `Not found. This is the NetLens proxy; see ${content.proxyUrl}/\n`,
  );
}

function send(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}
