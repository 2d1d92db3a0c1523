/**
 * The renderer's Content-Security-Policy. renderer/index.html carries the same policy in a
 * <meta> tag (a unit test keeps the two equal); web mode sends it as a header and Electron
 * adds it to every response of its session, so the policy holds however the page is loaded.
 * `frame-ancestors` only works as a header (CSP 3: ignored in <meta>), hence the addition.
 *
 * `connect-src 'self'` allows the page's own WebSocket and nothing else: CSP Level 3 §6.7.2.8
 * lets 'self' match ws: and wss: on the page's own host and port (an http: page may open
 * ws:/wss:, an https: page wss:), which Chromium implements (tests/e2e/webSecurity.test.ts
 * proves both directions). A bare `ws: wss:` would let injected script talk to any host.
 */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'";

export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;

/** Extracts the CSP from an HTML document's <meta http-equiv="Content-Security-Policy">. */
export function cspFromHtml(html: string): string | undefined {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  return meta?.[1]?.replace(/\s+/g, ' ').trim();
}
