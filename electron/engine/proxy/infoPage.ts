import type http from 'node:http';

export interface InfoPageContent {
  caCertPem: string;
  proxyUrl: string;
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
  if (path === '/' || path === '') {
    const text =
      `NetLens proxy is running at ${content.proxyUrl}\n\n` +
      `Point your client at it as an HTTP and HTTPS proxy, e.g.\n` +
      `  curl -x ${content.proxyUrl} --cacert netlens-ca.pem https://example.com/\n\n` +
      `Intercepting HTTPS needs the NetLens CA certificate trusted by the client:\n` +
      `  ${content.proxyUrl}/ca.pem\n`;
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
