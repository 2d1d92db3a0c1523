import { describe, expect, it, vi } from 'vitest';
import type { App, Session } from 'electron';

const opened: string[] = [];
// Never load the real 'electron' package here: outside Electron it tries to download the binary.
vi.mock('electron', () => ({
  shell: { openExternal: async (url: string) => void opened.push(url) },
}));

const { hardenAllWebContents, hardenSession, isAllowedRendererRequest } = await import('@main/security.js');

type Listener = (...args: unknown[]) => unknown;

describe('hardenSession', () => {
  it('denies permissions, blocks network requests and adds the CSP header', () => {
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
      'file:///app/dist/renderer/assets/a.js',
    ]) {
      registered.before!({ url }, (result: { cancel: boolean }) => cancelled.push(result.cancel));
    }
    expect(cancelled).toEqual([true, true, false]);

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

  it('allows only local schemes for renderer requests', () => {
    expect(isAllowedRendererRequest('data:image/png;base64,AA==')).toBe(true);
    expect(isAllowedRendererRequest('http://127.0.0.1:8899/')).toBe(false);
    expect(isAllowedRendererRequest('nonsense')).toBe(false);
  });
});

describe('hardenAllWebContents', () => {
  it('denies navigation, webviews and new windows; sends only http(s) links to the browser', () => {
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

    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const prevented = vi.fn();
      events[name]!({ preventDefault: prevented });
      expect(prevented, name).toHaveBeenCalled();
    }
    expect(openHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/docs']);
  });
});
