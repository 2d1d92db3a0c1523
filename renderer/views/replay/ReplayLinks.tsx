import { useMemo } from 'react';
import type { Exchange } from '../../../shared/model';
import { useStore } from '../../store';
import { diffWithOriginal } from './replayActions';

/**
 * The replay links of an exchange, both ways: "Replay of #12" (with its one-click diff) on a
 * replay, "Replayed as #15, #16" on an original. Nothing when neither applies.
 */
export function ReplayLinks({ exchange }: { exchange: Exchange }) {
  const byId = useStore((s) => s.byId);
  const select = useStore((s) => s.select);
  const original = exchange.replayOf === undefined ? undefined : byId.get(exchange.replayOf);
  const replays = useMemo(() => {
    const found: Exchange[] = [];
    for (const other of byId.values()) if (other.replayOf === exchange.id) found.push(other);
    return found.sort((a, b) => a.seq - b.seq);
  }, [byId, exchange.id]);
  if (exchange.replayOf === undefined && replays.length === 0) return null;
  return (
    <div className="replay-links" aria-label="Replay links">
      {exchange.replayOf !== undefined && (
        <>
          <span>↻ Replay of</span>
          {original ? (
            <button type="button" className="link" onClick={() => select(original.id)}>
              #{original.seq} {original.request.method}
            </button>
          ) : (
            <span className="muted" title={`Exchange ${exchange.replayOf}`}>
              an exchange no longer in this session
            </span>
          )}
          {original && (
            <button
              type="button"
              onClick={() => diffWithOriginal(exchange)}
              title="Open the Diff view: original left, replay right"
            >
              Diff with original
            </button>
          )}
        </>
      )}
      {replays.length > 0 && (
        <>
          <span>Replayed as</span>
          {replays.map((replay, index) => (
            <span key={replay.id}>
              <button type="button" className="link" onClick={() => select(replay.id)}>
                #{replay.seq}
              </button>
              {index < replays.length - 1 ? ',' : ''}
            </span>
          ))}
        </>
      )}
    </div>
  );
}
