import type { Exchange } from '../../../shared/model';
import type { ReplayEdit } from '../../../shared/replay';
import { call } from '../../api';
import { useStore } from '../../store';

/** Why an exchange cannot be replayed, for a disabled button's tooltip; undefined when it can. */
export function replayBlocker(exchange: Exchange, capturing: boolean): string | undefined {
  if (exchange.kind === 'tunnel')
    return 'A tunnel cannot be replayed: NetLens did not see the requests inside it.';
  if (exchange.kind === 'websocket') return 'A WebSocket cannot be replayed.';
  if (exchange.request.body.truncated) return 'The request body was captured only in part.';
  if (!capturing) return 'Capture is paused: resume capture to see the replay.';
  return undefined;
}

/**
 * Resends an exchange (as recorded, or with `edit`) and selects the new one, which the engine
 * links to its original. Resolves with the new id; rejects with the engine's message.
 */
export async function replayExchange(id: string, edit?: ReplayEdit): Promise<string> {
  const result = await call('exchanges:replay', edit ? { id, edit } : { id });
  useStore.getState().select(result.id);
  return result.id;
}

/** The Diff view: the original on the left, its replay on the right. */
export function diffWithOriginal(replay: Exchange): void {
  if (replay.replayOf) useStore.getState().openDiff(replay.replayOf, replay.id);
}
