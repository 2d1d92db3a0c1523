import { useCallback, useEffect, useState } from 'react';
import type { Channel, ChannelArgs, ChannelValue } from '../../../shared/api';
import { ApiCallError, call } from '../../api';

export interface ChannelState<T> {
  value?: T;
  /** The engine's message when the call failed; `unsupported` calls say so in `code`. */
  error?: { code: string; message: string };
  loading: boolean;
  reload(): void;
}

interface Loaded<T> {
  /** Which request (channel, arguments, reload count) this answers. */
  key: string;
  value?: T;
  error?: { code: string; message: string };
}

/** Loads a channel's value when mounted (and on reload), keeping the last value while reloading. */
export function useChannel<C extends Channel>(
  channel: C,
  ...args: ChannelArgs<C>
): ChannelState<ChannelValue<C>> {
  const [generation, setGeneration] = useState(0);
  // Arguments are compared by value (callers pass fresh arrays and objects on every render).
  const argsJson = JSON.stringify(args);
  const key = `${channel} ${generation} ${argsJson}`;
  const [loaded, setLoaded] = useState<Loaded<ChannelValue<C>>>({ key: '' });
  useEffect(() => {
    let current = true;
    const requestArgs = JSON.parse(argsJson) as ChannelArgs<C>;
    call(channel, ...requestArgs).then(
      (value) => {
        if (current) setLoaded({ key, value });
      },
      (error: unknown) => {
        if (current) setLoaded((previous) => ({ key, value: previous.value, error: errorOf(error) }));
      },
    );
    return () => {
      current = false;
    };
  }, [channel, key, argsJson]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const state: ChannelState<ChannelValue<C>> = { loading: loaded.key !== key, reload };
  if (loaded.value !== undefined) state.value = loaded.value;
  if (loaded.error !== undefined) state.error = loaded.error;
  return state;
}

export function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof ApiCallError) return { code: error.code, message: error.message };
  return { code: 'error', message: error instanceof Error ? error.message : String(error) };
}
