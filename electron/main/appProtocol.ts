/**
 * The renderer is served from `app://netlens/`, a custom protocol, not from `file://`
 * (Electron security checklist, "Avoid usage of the file protocol and prefer usage of custom
 * protocols"). A `file://` page shares its origin with every file on the disk and gets
 * privileges no web page has (fetching other files, universal access for file frames); an
 * `app://netlens` page is an ordinary, secure origin that can reach the built renderer folder
 * and nothing else, so `file:` can be refused outright (security.ts) and Electron's
 * GrantFileProtocolExtraPrivileges fuse switched off (electron-builder.yml).
 *
 * The handler is plain Fetch API (Request in, Response out) and free of Electron, so it is
 * unit-tested; main.ts registers it with protocol.handle.
 */
import { readFile, stat } from 'node:fs/promises';
import { RENDERER_CSP_HEADER } from '../engine/web/contentSecurityPolicy.js';
import { mimeTypeFor, resolveStaticPath } from '../engine/web/staticFiles.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'netlens';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads, and the only page trusted to call the API (ipc.ts). */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * For protocol.registerSchemesAsPrivileged, before the app is ready: `standard` gives the
 * scheme real origins (relative URLs, `'self'` in the CSP, localStorage), `secure` makes it a
 * secure context like https:, `supportFetchAPI` lets the page's module scripts load through it,
 * `codeCache` keeps V8's compiled-code cache working. Not `bypassCSP`, not `corsEnabled`, not
 * service workers: the page needs none of them.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

const HEADERS = {
  'Content-Security-Policy': RENDERER_CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

function refuse(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * Serves `rendererDir` on `app://netlens/`: GET/HEAD only, that one host only, paths kept inside
 * the folder (staticFiles.ts), and only to the app's own pages or to the browser itself
 * (`initiatorOrigin` is set by Electron, not by the page; absent for the window's own load).
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed.');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'Bad URL.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'Not found.');
    const initiator = (request as Request & { initiatorOrigin?: string }).initiatorOrigin;
    if (initiator !== undefined && initiator !== APP_ORIGIN) return refuse(403, 'Forbidden.');
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (!file) return refuse(400, 'Bad path.');
    try {
      const info = await stat(file);
      if (!info.isFile()) return refuse(404, 'Not found.');
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, {
        status: 200,
        headers: { ...HEADERS, 'Content-Type': mimeTypeFor(file), 'Content-Length': String(info.size) },
      });
    } catch {
      return refuse(404, 'Not found.');
    }
  };
}
