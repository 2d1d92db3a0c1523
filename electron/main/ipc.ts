/**
 * The IPC bridge: one handler for every API call, which first checks who is calling (our
 * window's main frame showing our index.html) and then hands the untrusted channel and
 * arguments to the shared dispatcher, which validates them. Events go back in batches.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { EngineEvent } from '../../shared/api.js';
import type { Result } from '../../shared/result.js';
import type { ApiDispatcher } from '../engine/api/apiHandlers.js';
import { EVENTS_CHANNEL, INVOKE_CHANNEL } from '../preload/bridgeChannels.js';
import { isTrustedRendererUrl } from './urlPolicy.js';

export function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: BrowserWindow | undefined,
  indexUrl: string,
): boolean {
  if (!window || window.isDestroyed()) return false;
  if (event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  // Only the top frame (the page itself): the CSP forbids frames, and this holds even if one appeared.
  if (!frame || frame.parent !== null) return false;
  return isTrustedRendererUrl(frame.url, indexUrl);
}

export function registerApiIpc(options: {
  dispatch: ApiDispatcher;
  getWindow: () => BrowserWindow | undefined;
  indexUrl: string;
}): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, channel: unknown, args: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event, options.getWindow(), options.indexUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'This page may not call NetLens.' } };
    }
    return options.dispatch(channel, args);
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

/** Sends one batch to the window (dropped when the window is gone or still loading nothing). */
export function sendEvents(window: BrowserWindow | undefined, events: EngineEvent[]): void {
  if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return;
  window.webContents.send(EVENTS_CHANNEL, events);
}
