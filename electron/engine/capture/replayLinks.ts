import type { Exchange } from '../../../shared/model.js';
import { REPLAY_SOURCE } from '../../../shared/replay.js';

interface Pending {
  originalId: string;
  resolve(id: string): void;
}

/**
 * Links a replayed exchange to the one it was made from. The replay client connects to the
 * replay source listener and announces its local port here before it sends anything; the proxy
 * records the exchange with that client port, and the sink passes every version of it through
 * tag(), which adds `replayOf`. One replay, one fresh connection: a port never carries two replays.
 */
export class ReplayLinks {
  private readonly byClientPort = new Map<number, Pending>();

  /** Expects a replay of `originalId` from `clientPort`; `recorded` resolves with the new exchange's id. */
  expect(clientPort: number, originalId: string): { recorded: Promise<string>; cancel(): void } {
    let resolve!: (id: string) => void;
    const recorded = new Promise<string>((r) => (resolve = r));
    const pending: Pending = { originalId, resolve };
    this.byClientPort.set(clientPort, pending);
    return {
      recorded,
      cancel: () => {
        if (this.byClientPort.get(clientPort) === pending) this.byClientPort.delete(clientPort);
      },
    };
  }

  /**
   * The exchange with `replayOf` when it is an expected replay; unchanged otherwise. `final`: the
   * exchange finished, so its port is free for an unrelated connection afterwards.
   */
  tag(exchange: Exchange, final = false): Exchange {
    if (exchange.source !== REPLAY_SOURCE || exchange.kind !== 'http') return exchange;
    const port = exchange.connection.clientPort;
    const pending = port === undefined ? undefined : this.byClientPort.get(port);
    if (!pending) return exchange;
    pending.resolve(exchange.id);
    if (final) this.byClientPort.delete(port!);
    return { ...exchange, replayOf: pending.originalId };
  }

  get size(): number {
    return this.byClientPort.size;
  }
}
