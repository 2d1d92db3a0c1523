import type { RetryAttempt, RetryChain } from '../../../shared/retry';
import { formatDurationMs } from '../../../shared/format';

function outcomeClass(attempt: RetryAttempt): string {
  switch (attempt.outcome.kind) {
    case 'success':
      return 'ok';
    case 'unfixable_status':
      return 'unfixable';
    default:
      return 'failed';
  }
}

/**
 * Attempts on a time axis: each attempt a block as long as it took, the gaps between them the
 * client's waits (labelled), so a backoff's shape is visible at a glance.
 */
export function ChainTimeline({ chain, onOpen }: { chain: RetryChain; onOpen: (id: string) => void }) {
  const spanMs = Math.max(1, chain.lastEndedAtMs - chain.firstStartedAtMs);
  const x = (ms: number) => ((ms - chain.firstStartedAtMs) / spanMs) * 100;
  return (
    <div className="chain-timeline" role="list" aria-label="Attempts timeline">
      <div className="timeline-track">
        {chain.attempts.map((attempt) => (
          <span
            key={attempt.exchangeId}
            role="listitem"
            className={`timeline-attempt ${outcomeClass(attempt)}`}
            style={{
              left: `${x(attempt.startedAtMs)}%`,
              width: `max(6px, ${x(attempt.endedAtMs) - x(attempt.startedAtMs)}%)`,
            }}
          >
            <button
              type="button"
              title={`Attempt ${attempt.attempt}: ${attempt.label} (${formatDurationMs(attempt.endedAtMs - attempt.startedAtMs)})`}
              aria-label={`Attempt ${attempt.attempt}: ${attempt.label}`}
              onClick={() => onOpen(attempt.exchangeId)}
            >
              {attempt.attempt}
            </button>
          </span>
        ))}
        {chain.attempts.slice(1).map((attempt, i) => {
          const previous = chain.attempts[i]!;
          return (
            <span
              key={`wait-${attempt.exchangeId}`}
              className="timeline-wait"
              style={{
                left: `${x(previous.endedAtMs)}%`,
                width: `${x(attempt.startedAtMs) - x(previous.endedAtMs)}%`,
              }}
            >
              {formatDurationMs(attempt.waitBeforeMs ?? 0)}
            </span>
          );
        })}
      </div>
      <div className="timeline-axis muted">
        <span>0</span>
        <span>{formatDurationMs(spanMs)}</span>
      </div>
    </div>
  );
}
