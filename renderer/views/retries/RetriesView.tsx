import { useMemo, useState } from 'react';
import type { RetryAfterVerdict, RetryChain } from '../../../shared/retry';
import { formatClock, formatDuration } from '../../format';
import { useStore } from '../../store';
import { ChainTimeline } from './ChainTimeline';
import './retries.css';

const RETRY_AFTER_TEXT: Record<RetryAfterVerdict, string> = {
  not_sent: 'The server sent no Retry-After.',
  honoured: 'Retry-After honoured: the client waited at least as long as asked.',
  ignored: 'Retry-After ignored: the client came back sooner than asked.',
  partly_honoured: 'Retry-After honoured on some attempts, ignored on others.',
  not_applicable: 'Retry-After only on the last response: nothing to honour yet.',
};

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function ChainDetail({ chain }: { chain: RetryChain }) {
  const select = useStore((s) => s.select);
  const setView = useStore((s) => s.setView);
  const openDiff = useStore((s) => s.openDiff);
  const open = (id: string) => {
    select(id);
    setView('traffic');
  };
  const firstId = chain.exchangeIds[0]!;
  const lastId = chain.exchangeIds[chain.exchangeIds.length - 1]!;
  return (
    <article className="chain-detail" aria-label="Retry chain">
      <h3 className="chain-title">
        <span className="mono">{chain.method}</span> <span className="mono">{pathOf(chain.url)}</span>{' '}
        <span className={chain.outcome === 'succeeded' ? 'badge ok' : 'badge danger'}>{chain.outcome}</span>
      </h3>
      <p className="chain-summary">{chain.summary}</p>
      <dl className="chain-verdict">
        <dt>Backoff</dt>
        <dd>{chain.backoff.description}</dd>
        <dt>Retry-After</dt>
        <dd>{RETRY_AFTER_TEXT[chain.retryAfter]}</dd>
        <dt>Client</dt>
        <dd>{chain.clientAddress ?? 'unknown'}</dd>
        {chain.idempotencyKey ? (
          <>
            <dt>Idempotency-Key</dt>
            <dd className="mono">{chain.idempotencyKey}</dd>
          </>
        ) : null}
        <dt>Total</dt>
        <dd>
          {chain.attempts.length} attempts over {formatDuration(chain.totalDurationMs)}
        </dd>
      </dl>
      {chain.flags.length > 0 ? (
        <ul className="chain-flags" aria-label="Flags">
          {chain.flags.map((flag) => (
            <li key={flag.kind} className={`flag flag-${flag.kind}`}>
              <strong>{flag.message}</strong>
              <div>{flag.advice}</div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No flags: the client retried sensibly.</p>
      )}
      <ChainTimeline chain={chain} onOpen={open} />
      <table className="attempts-table" aria-label="Attempts">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Started</th>
            <th className="num">Wait before</th>
            <th className="num">Took</th>
            <th>Outcome</th>
            <th className="num">Retry-After</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {chain.attempts.map((a) => (
            <tr key={a.exchangeId} className={a.outcome.kind === 'success' ? 'attempt-ok' : 'attempt-failed'}>
              <td className="num">{a.attempt}</td>
              <td className="mono">{formatClock(a.startedAtMs)}</td>
              <td className="num">{a.waitBeforeMs === undefined ? '—' : formatDuration(a.waitBeforeMs)}</td>
              <td className="num">{formatDuration(a.endedAtMs - a.startedAtMs)}</td>
              <td>{a.label}</td>
              <td className="num">
                {a.retryAfterMs === undefined ? '' : formatDuration(a.retryAfterMs)}
                {a.honouredRetryAfter === false ? ' (previous ignored)' : ''}
              </td>
              <td>
                <button type="button" className="link" onClick={() => open(a.exchangeId)}>
                  open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {firstId !== lastId ? (
        <button type="button" onClick={() => openDiff(firstId, lastId)}>
          Diff first and last attempt
        </button>
      ) : null}
    </article>
  );
}

/** Every retry chain of the session: how each client retried, and what it should change. */
export function RetriesView() {
  // The engine groups and judges the chains; each change arrives as a `retry:chain` event.
  const loaded = useStore((s) => s.retriesLoaded);
  const all = useStore((s) => s.retryChains);
  const chains = loaded ? all : undefined;
  const [selected, setSelected] = useState<string | undefined>();
  const [onlyFlagged, setOnlyFlagged] = useState(false);

  const shown = useMemo(
    () =>
      [...(chains ?? [])]
        .filter((c) => !onlyFlagged || c.flags.length > 0)
        .sort((a, b) => b.firstStartedAtMs - a.firstStartedAtMs),
    [chains, onlyFlagged],
  );
  const current = shown.find((c) => c.chainId === selected) ?? shown[0];

  return (
    <section className="retries-view" aria-label="Retries">
      <div className="toolbar">
        <strong>
          {chains === undefined
            ? 'Loading…'
            : `${chains.length} retry chain${chains.length === 1 ? '' : 's'}`}
        </strong>
        <label>
          <input type="checkbox" checked={onlyFlagged} onChange={(e) => setOnlyFlagged(e.target.checked)} />{' '}
          only chains with flags
        </label>
      </div>
      {chains !== undefined && chains.length === 0 ? (
        <div className="empty-state">
          <h2>No retries yet</h2>
          <p>
            When a client repeats the same request (same method, URL and body, or the same Idempotency-Key)
            after an error, a 408, 425, 429 or 5xx, within 60 seconds, NetLens groups the attempts into a
            chain and judges the backoff, Retry-After handling, and what should not have been retried.
          </p>
        </div>
      ) : (
        <div className="retries-split">
          <ul className="chain-list" aria-label="Retry chains">
            {shown.map((chain) => (
              <li key={chain.chainId}>
                <button
                  type="button"
                  aria-current={current?.chainId === chain.chainId ? 'true' : undefined}
                  onClick={() => setSelected(chain.chainId)}
                >
                  <span className={chain.outcome === 'succeeded' ? 'dot ok' : 'dot failed'} />
                  <span className="chain-row-text">
                    <span className="mono">
                      {chain.method} {pathOf(chain.url)}
                    </span>
                    <span className="muted">
                      {chain.attempts.length} attempts · {chain.backoff.shape}
                      {chain.backoff.jitter ? ' + jitter' : ''}
                      {chain.flags.length > 0 ? ` · ⚑ ${chain.flags.length}` : ''}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="chain-pane">{current ? <ChainDetail chain={current} /> : null}</div>
        </div>
      )}
    </section>
  );
}
