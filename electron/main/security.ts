/**
 * Electron's security checklist, applied once for the whole app
 * (https://www.electronjs.org/docs/latest/tutorial/security): permissions denied, a strict CSP
 * on every response, no navigation away from the app, no new windows (http(s) links go to the
 * user's browser after parsing), no <webview>, and no network requests from the renderer —
 * it talks to the engine over IPC only.
 */
import { shell, type App, type Session, type WebContents } from 'electron';
import { RENDERER_CSP_HEADER } from '../engine/web/contentSecurityPolicy.js';
import { safeExternalUrl } from './urlPolicy.js';

/** Schemes the renderer may load from: its own files, inline images, and DevTools. */
const ALLOWED_REQUEST_PROTOCOLS = new Set(['file:', 'data:', 'blob:', 'devtools:']);

export function isAllowedRendererRequest(url: string): boolean {
  try {
    return ALLOWED_REQUEST_PROTOCOLS.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRendererRequest(details.url) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [RENDERER_CSP_HEADER],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

function hardenContents(contents: WebContents): void {
  // The app is one page: any navigation (a dropped file, a link, a script) is refused.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = safeExternalUrl(url);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
}

/** Applies to every webContents ever created, including DevTools and any surprise. */
export function hardenAllWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}
