import { describe, expect, it, vi } from 'vitest';
import type { App, Session } from 'electron';

const opened: string[] = [];
const asked: { detail?: string; defaultId?: number; cancelId?: number; buttons?: string[] }[] = [];
let answer = 1;
// Never load the real 'electron' package here: outside Electron it tries to download the binary.
vi.mock('electron', () => ({
  shell: { openExternal: async (url: string) => void opened.push(url) },
  dialog: {
    showMessageBox: async (...args: unknown[]) => {
      asked.push(args[args.length - 1] as (typeof asked)[number]);
      return { response: answer, checkboxChecked: false };
    },
  },
  BrowserWindow: { fromWebContents: () => null },
}));

const { hardenAllWebContents, hardenSession, isAllowedRendererRequest } = await import('@main/security.js');

type Listener = (...args: unknown[]) => unknown;

describe('hardenSession', () => {
  it('denies permissions, blocks network and file requests and adds the CSP header', () => {
    const registered: Record<string, Listener> = {};
    const session = {
      setPermissionRequestHandler: (h: Listener) => (registered.request = h),
      setPermissionCheckHandler: (h: Listener) => (registered.check = h),
      setDevicePermissionHandler: (h: Listener) => (registered.device = h),
      webRequest: {
        onBeforeRequest: (h: Listener) => (registered.before = h),
        onHeadersReceived: (h: Listener) => (registered.headers = h),
      },
    };
    hardenSession(session as unknown as Session);

    const granted: boolean[] = [];
    registered.request!({}, 'media', (allow: boolean) => granted.push(allow));
    registered.request!({}, 'notifications', (allow: boolean) => granted.push(allow));
    expect(granted).toEqual([false, false]);
    expect(registered.check!()).toBe(false);
    expect(registered.device!()).toBe(false);

    const cancelled: boolean[] = [];
    for (const url of [
      'https://tracker.example/x',
      'ws://127.0.0.1:1/',
      'file:///etc/passwd',
      'file:///app/dist/renderer/assets/a.js',
      'app://netlens/assets/a.js',
    ]) {
      registered.before!({ url }, (result: { cancel: boolean }) => cancelled.push(result.cancel));
    }
    expect(cancelled).toEqual([true, true, true, true, false]);

    let headers: Record<string, string[]> = {};
    registered.headers!(
      { responseHeaders: { 'X-Other': ['1'] } },
      (result: { responseHeaders: Record<string, string[]> }) => {
        headers = result.responseHeaders;
      },
    );
    expect(headers['Content-Security-Policy']![0]).toContain("script-src 'self'");
    expect(headers['X-Other']).toEqual(['1']);
  });

  // Issue 11.14: `file:` was allowed for any path.
  it('allows the app protocol and local data only: no file: at all', () => {
    expect(isAllowedRendererRequest('app://netlens/index.html')).toBe(true);
    expect(isAllowedRendererRequest('data:image/png;base64,AA==')).toBe(true);
    expect(isAllowedRendererRequest('file:///home/me/.ssh/id_rsa')).toBe(false);
    expect(isAllowedRendererRequest('http://127.0.0.1:8899/')).toBe(false);
    expect(isAllowedRendererRequest('nonsense')).toBe(false);
  });
});

describe('hardenAllWebContents', () => {
  function contentsCreated() {
    let created: Listener | undefined;
    const app = { on: (_name: string, listener: Listener) => (created = listener) };
    hardenAllWebContents(app as unknown as App);
    const events: Record<string, Listener> = {};
    let openHandler: Listener | undefined;
    const contents = {
      on: (name: string, listener: Listener) => (events[name] = listener),
      setWindowOpenHandler: (handler: Listener) => (openHandler = handler),
    };
    created!({}, contents);
    return { events, open: (url: string) => openHandler!({ url }) };
  }

  it('denies navigation and webviews', () => {
    const { events } = contentsCreated();
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const prevented = vi.fn();
      events[name]!({ preventDefault: prevented });
      expect(prevented, name).toHaveBeenCalled();
    }
  });

  it('denies every new window; an http(s) link goes to the browser only after the user says yes', async () => {
    const { open } = contentsCreated();
    opened.length = 0;
    asked.length = 0;

    answer = 1; // Cancel
    expect(open('https://example.com/docs')).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    expect(asked[0]).toMatchObject({ detail: 'https://example.com/docs', defaultId: 1, cancelId: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual([]);

    answer = 0; // Open in Browser
    expect(open('https://example.com/other')).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(opened).toEqual(['https://example.com/other']));

    // Never asked, never opened: other schemes and credentials.
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://u:p@example.com/',
      'app://netlens/x',
    ]) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toHaveLength(2);
    expect(opened).toEqual(['https://example.com/other']);
  });
});
