/**
 * The preload bridge (sandboxed, context-isolated): exposes NetlensApi as `window.netlens` and
 * nothing else. The page gets two functions, never ipcRenderer itself, so it can reach only
 * the validated API handler in main, not arbitrary IPC channels.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Channel, ChannelArgs, ChannelValue, EngineEvent, NetlensApi } from '../../shared/api.js';
import type { Result } from '../../shared/result.js';
import { EVENTS_CHANNEL, INVOKE_CHANNEL } from './bridgeChannels.js';

const api: NetlensApi = {
  invoke<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<Result<ChannelValue<C>>> {
    return ipcRenderer.invoke(INVOKE_CHANNEL, channel, args) as Promise<Result<ChannelValue<C>>>;
  },
  onEvents(listener: (events: EngineEvent[]) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvents needs a function');
    // The IpcRendererEvent (with its sender) stays here: the page sees only the batch.
    const wrapped = (_event: IpcRendererEvent, events: EngineEvent[]) => listener(events);
    ipcRenderer.on(EVENTS_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENTS_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('netlens', api);
