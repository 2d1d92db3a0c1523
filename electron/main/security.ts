/**
 * Electron's security checklist, applied once for the whole app
 * (https://www.electronjs.org/docs/latest/tutorial/security): permissions denied, a strict CSP
 * on every response, no navigation away from the app, no new windows (http(s) links go to the
 * user's browser after parsing and the user's yes: externalLinks.ts), no <webview>, and no
 * network requests from the renderer — it talks to the engine over IPC only. The page comes
 * from `app://netlens/` (appProtocol.ts), so `file:` is refused like any other scheme.
 */
import { dialog, shell, BrowserWindow, type App, type Session, type WebContents } from 'electron';
import { RENDERER_CSP_HEADER } from '../engine/web/contentSecurityPolicy.js';
import { APP_SCHEME } from './appProtocol.js';
import { createExternalLinks, type ExternalLinks } from './externalLinks.js';

/** Schemes the renderer may load from: its own protocol, inline images, and DevTools (development only). */
const ALLOWED_REQUEST_PROTOCOLS = new Set([`${APP_SCHEME}:`, 'data:', 'blob:', 'devtools:']);

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

/** Asks before a link leaves for the browser, showing the whole URL (the default is Cancel). */
async function confirmOpen(contents: WebContents, url: string): Promise<boolean> {
  const options = {
    type: 'question' as const,
    buttons: ['Open in Browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: 'NetLens',
    message: 'Open this link in your browser?',
    detail: url,
  };
  const window = BrowserWindow.fromWebContents(contents);
  const answer = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return answer.response === 0;
}

function hardenContents(contents: WebContents, links: ExternalLinks): void {
  // The app is one page: any navigation (a dropped file, a link, a script) is refused.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void links.request(url);
    return { action: 'deny' };
  });
}

/** Applies to every webContents ever created, including DevTools and any surprise. */
export function hardenAllWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents) => {
    const links = createExternalLinks({
      confirm: (url) => confirmOpen(contents, url),
      open: (url) => shell.openExternal(url),
    });
    hardenContents(contents, links);
  });
}
