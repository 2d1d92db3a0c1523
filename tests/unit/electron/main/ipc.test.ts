import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';

// Never load the real 'electron' package here: outside Electron it tries to download the binary.
const handlers = new Map<string, (...args: unknown[]) => unknown>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (...args: unknown[]) => unknown) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerApiIpc, isTrustedSender } = await import('@main/ipc.js');
const { INVOKE_CHANNEL } = await import('@preload/bridgeChannels.js');
const { APP_INDEX_URL: indexUrl } = await import('@main/appProtocol.js');

function fakeWindow() {
  const webContents = { id: 1 };
  return { webContents, isDestroyed: () => false } as unknown as BrowserWindow;
}

function event(window: BrowserWindow, overrides: { sender?: unknown; url?: string; parent?: unknown } = {}) {
  return {
    sender: overrides.sender ?? window.webContents,
    senderFrame: { url: overrides.url ?? `${indexUrl}#/traffic`, parent: overrides.parent ?? null },
  } as unknown as IpcMainInvokeEvent;
}

describe('isTrustedSender', () => {
  it('trusts only the top frame of our window showing our index.html', () => {
    const window = fakeWindow();
    expect(isTrustedSender(event(window), window, indexUrl)).toBe(true);
    expect(isTrustedSender(event(window, { sender: { id: 2 } }), window, indexUrl)).toBe(false);
    expect(isTrustedSender(event(window, { url: 'https://evil.example/' }), window, indexUrl)).toBe(false);
    expect(
      isTrustedSender(event(window, { url: 'file:///app/dist/renderer/index.html' }), window, indexUrl),
    ).toBe(false);
    expect(isTrustedSender(event(window, { parent: {} }), window, indexUrl)).toBe(false);
    expect(isTrustedSender(event(window), undefined, indexUrl)).toBe(false);
    const noFrame = {
      sender: window.webContents,
      senderFrame: null,
    } as unknown as IpcMainInvokeEvent;
    expect(isTrustedSender(noFrame, window, indexUrl)).toBe(false);
  });
});

describe('registerApiIpc', () => {
  beforeEach(() => handlers.clear());

  it('hands trusted calls to the dispatcher and refuses the rest without calling it', async () => {
    const window = fakeWindow();
    const dispatch = vi.fn(async () => ({ ok: true as const, value: 'v' }));
    const unregister = registerApiIpc({ dispatch, getWindow: () => window, indexUrl });
    const handler = handlers.get(INVOKE_CHANNEL)!;
    expect(await handler(event(window), 'app:info', [])).toEqual({ ok: true, value: 'v' });
    expect(dispatch).toHaveBeenCalledWith('app:info', []);
    expect(await handler(event(window, { url: 'file:///tmp/other.html' }), 'app:info', [])).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(dispatch).toHaveBeenCalledTimes(1);
    unregister();
    expect(handlers.has(INVOKE_CHANNEL)).toBe(false);
  });
});
