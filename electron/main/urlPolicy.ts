/**
 * URL decisions of the shell, kept free of Electron so they are unit-tested: which frames may
 * call the API, and which links may leave the app for the user's browser.
 */

/**
 * True when `frameUrl` is our index page (any query or hash, e.g. `#/traffic`). Anything
 * else — another page of the app's protocol, a file:, data: or http: page the window was
 * somehow navigated to — is refused.
 */
export function isTrustedRendererUrl(frameUrl: string | undefined, indexUrl: string): boolean {
  if (!frameUrl) return false;
  let frame: URL;
  let index: URL;
  try {
    frame = new URL(frameUrl);
    index = new URL(indexUrl);
  } catch {
    return false;
  }
  return frame.protocol === index.protocol && frame.host === index.host && frame.pathname === index.pathname;
}

/**
 * The URL to hand to shell.openExternal, or undefined: only http(s) URLs, parsed (not prefix
 * matched), without credentials. Everything else (file:, javascript:, custom schemes that
 * launch programs) stays closed (Electron security checklist, "openExternal").
 */
export function safeExternalUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 4096) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.hostname === '') return undefined;
  return url.href;
}
