import type { Exchange } from '../../../shared/model.js';

/** The source label of exchanges NetLens resent itself (the UI's Replay). */
export const REPLAY_SOURCE = 'replay';

interface Pending {
  originalId: string;
  resolve(id: string): void;
}

/**
 * Links a replayed exchange to the one it was made from. The replay client connects to the
 * replay source listener from a local port it announces here first; the proxy records the
 * exchange with that client port, and the sink passes every version of it through tag(), which
 * adds `replayOf`. One replay, one fresh connection: a port never carries two replays.
 */
export class ReplayLinks {
  private readonly byClientPort = new Map<number, Pending>();

  /** Expects a replay of `originalId` from `clientPort`; resolves with the new exchange's id. */
  expect(clientPort: number, originalId: string): { recorded: Promise<string>; cancel(): void } {
    let resolve!: (id: string) => void;
    const recorded = new Promise<string>((r) => (resolve = r));
    this.byClientPort.set(clientPort, { originalId, resolve });
    return { recorded, cancel: () => this.byClientPort.delete(clientPort) };
  }

  /** The exchange with `replayOf` when it is an expected replay; unchanged otherwise. */
  tag(exchange: Exchange): Exchange {
    if (exchange.source !== REPLAY_SOURCE) return exchange;
    const port = exchange.connection.clientPort;
    const pending = port === undefined ? undefined : this.byClientPort.get(port);
    if (!pending) return exchange;
    pending.resolve(exchange.id);
    return { ...exchange, replayOf: pending.originalId };
  }

  /** The connection is done: its port may be reused by an unrelated client. */
  release(clientPort: number): void {
    this.byClientPort.delete(clientPort);
  }
}
