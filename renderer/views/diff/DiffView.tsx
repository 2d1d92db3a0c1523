import { formatDuration } from '../../format';
import { useEffect, useState } from 'react';
import type { ExchangeDiff, HeaderRow, TimingRow } from '../../../shared/diff';
import { call } from '../../api';
import { useStore } from '../../store';
import { BodyDiffSection } from './BodyDiffSection';
import { ChangeTable } from './ChangeTable';
import { ExchangePicker } from './ExchangePicker';
import { DiffGridColumns } from './DiffGrid';
import { splitHeaderNoise } from './headerNoise';
import './diff.css';

type Load =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'done'; diff: ExchangeDiff };

/** Below this a timing difference is scheduling noise, not a change worth a colour. */
const TIMING_NOISE_MS = 1;

function deltaClass(deltaMs: number | undefined): string {
  if (deltaMs === undefined || Math.abs(deltaMs) < TIMING_NOISE_MS) return '';
  return deltaMs > 0 ? 'slower' : 'faster';
}

function TimingCell({
  ms,
  max,
  side,
}: {
  ms: number | undefined;
  max: number;
  side: 'left' | 'right' | 'none';
}) {
  return (
    <td className="num timing-cell">
      <span>{ms === undefined ? '—' : formatDuration(ms)}</span>
      {side === 'none' || ms === undefined ? null : (
        <span className={`bar ${side}`} style={{ width: `${((ms ?? 0) / max) * 100}%` }} aria-hidden="true" />
      )}
    </td>
  );
}

function TimingTable({ rows }: { rows: readonly TimingRow[] }) {
  const max = Math.max(
    1,
    ...rows.filter((r) => r.phase !== 'Total').flatMap((r) => [r.leftMs ?? 0, r.rightMs ?? 0]),
  );
  return (
    <>
      <table className="timing-compare diff-grid" aria-label="Timing comparison">
        <DiffGridColumns />
        <thead>
          <tr>
            <th>Phase</th>
            <th className="num">Left</th>
            <th className="num">Right</th>
            <th className="num">Δ</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const total = row.phase === 'Total';
            return (
              <tr key={row.phase} className={total ? 'total' : undefined}>
                <td>{row.phase}</td>
                <TimingCell ms={row.leftMs} max={max} side={total ? 'none' : 'left'} />
                <TimingCell ms={row.rightMs} max={max} side={total ? 'none' : 'right'} />
                <td className={`num ${deltaClass(row.deltaMs)}`}>
                  {row.deltaMs === undefined
                    ? ''
                    : `${row.deltaMs > 0 ? '+' : row.deltaMs < 0 ? '−' : '±'}${formatDuration(Math.abs(row.deltaMs))}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="timing-legend" aria-label="Timing legend">
        <span>
          <i className="bar-swatch left" /> left
        </span>
        <span>
          <i className="bar-swatch right" /> right
        </span>
        <span>bars share one scale (the longest phase fills its column)</span>
        <span>
          Δ: <span className="slower">slower</span> / <span className="faster">faster</span> on the right;
          under {TIMING_NOISE_MS} ms not coloured
        </span>
      </p>
    </>
  );
}

/**
 * Header rows, the real differences first; headers that change on every request (Date, request
 * and trace ids) or follow from the body (Content-Length) are grouped below as expected noise.
 */
function HeaderChanges({ label, rows }: { label: string; rows: readonly HeaderRow[] }) {
  const { real, noise } = splitHeaderNoise(rows);
  return (
    <>
      <ChangeTable label={label} nameHeader="Header" rows={real} />
      {noise.length > 0 && (
        <details className="diff-noise">
          <summary>
            Expected to differ ({noise.length}): {noise.map((r) => r.name).join(', ')}
          </summary>
          <ChangeTable label={`${label}: expected differences`} nameHeader="Header" rows={noise} />
        </details>
      )}
    </>
  );
}

/** The sentence, then the material differences; what differs anyway is folded below them. */
function DiffSummary({ diff }: { diff: ExchangeDiff }) {
  const material = diff.findings.filter((f) => f.material);
  const noise = diff.findings.filter((f) => !f.material);
  return (
    <section className="diff-section diff-summary" aria-label="Diff summary">
      <h3>
        Summary{' '}
        <span className={diff.same ? 'badge' : 'badge danger'}>{diff.same ? 'same' : 'different'}</span>
      </h3>
      <p className="diff-headline" data-testid="diff-headline">
        {diff.headline}
      </p>
      {material.length > 0 ? (
        <ol aria-label="Differences">
          {material.map((f, i) => (
            <li key={i}>{f.text}</li>
          ))}
        </ol>
      ) : null}
      {noise.length > 0 ? (
        <details className="diff-noise">
          <summary>Expected to differ ({noise.length}): timing, connection or per-request headers</summary>
          <ol aria-label="Expected differences">
            {noise.map((f, i) => (
              <li key={i}>{f.text}</li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}

function DiffResult({ diff }: { diff: ExchangeDiff }) {
  const select = useStore((s) => s.select);
  const setView = useStore((s) => s.setView);
  const open = (id: string) => {
    select(id);
    setView('traffic');
  };
  return (
    <div className="diff-result">
      <DiffSummary diff={diff} />

      <section className="diff-section" aria-label="Request line">
        <h3>Request and outcome</h3>
        <table className="change-table diff-grid">
          <DiffGridColumns />
          <thead>
            <tr>
              <th />
              <th>
                Left{' '}
                <button type="button" className="link" onClick={() => open(diff.left.id)}>
                  open
                </button>
              </th>
              <th>
                Right{' '}
                <button type="button" className="link" onClick={() => open(diff.right.id)}>
                  open
                </button>
              </th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[diff.method, diff.status, diff.error].map((row) => (
              <tr key={row.name} className={`change-${row.kind}`}>
                <td>{row.name}</td>
                <td className="mono value">{row.left ?? '—'}</td>
                <td className="mono value">{row.right ?? '—'}</td>
                <td className="change-kind">{row.kind === 'same' ? '' : 'changed'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="diff-section" aria-label="URL">
        <h3>URL</h3>
        <ChangeTable label="URL parts" nameHeader="Part" rows={diff.url.parts} />
        <h4>Query parameters{diff.url.queryOrderChanged ? ' (same, in a different order)' : ''}</h4>
        <ChangeTable label="Query parameters" nameHeader="Parameter" rows={diff.url.query} />
      </section>

      {(['requestHeaders', 'responseHeaders'] as const).map((key) => {
        const headers = diff[key];
        const title = key === 'requestHeaders' ? 'Request headers' : 'Response headers';
        return (
          <section key={key} className="diff-section" aria-label={title}>
            <h3>{title}</h3>
            {headers.notes.length > 0 ? (
              <ul className="notes">
                {headers.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            ) : null}
            <HeaderChanges label={title} rows={headers.rows} />
          </section>
        );
      })}

      <BodyDiffSection title="Request body" diff={diff.requestBody} />
      <BodyDiffSection title="Response body" diff={diff.responseBody} />

      <section className="diff-section" aria-label="Timing">
        <h3>Timing</h3>
        <TimingTable rows={diff.timing} />
      </section>

      <section className="diff-section" aria-label="Connection">
        <h3>Connection</h3>
        <ChangeTable label="Connection facts" nameHeader="Fact" rows={diff.connection} />
      </section>
    </div>
  );
}

/** Two exchanges side by side: what differs, in words first, then every detail. */
export function DiffView() {
  const pair = useStore((s) => s.diffPair);
  const openDiff = useStore((s) => s.openDiff);
  const [reload, setReload] = useState(0);
  const leftId = pair?.leftId;
  const rightId = pair?.rightId;
  const key = leftId && rightId ? `${leftId}|${rightId}|${reload}` : undefined;
  const [result, setResult] = useState<{ key: string; load: Load }>();

  useEffect(() => {
    if (!key || !leftId || !rightId) return;
    let cancelled = false;
    call('diff:exchanges', leftId, rightId).then(
      (diff) => {
        if (!cancelled) setResult({ key, load: { state: 'done', diff } });
      },
      (error: unknown) => {
        if (!cancelled) {
          setResult({
            key,
            load: { state: 'error', message: error instanceof Error ? error.message : String(error) },
          });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, leftId, rightId]);

  // Derived, not stored: a new pair shows "Comparing…" until its own result arrives.
  const load: Load = !key ? { state: 'idle' } : result?.key === key ? result.load : { state: 'loading' };

  const setSide = (side: 'left' | 'right', id: string) => {
    const left = side === 'left' ? id : leftId;
    const right = side === 'right' ? id : rightId;
    if (left && right) openDiff(left, right);
    else useStore.setState({ diffPair: { leftId: left ?? '', rightId: right ?? '' } });
  };

  return (
    <section className="diff-view" aria-label="Diff">
      <div className="toolbar">
        <ExchangePicker label="Left" value={leftId || undefined} onChange={(id) => setSide('left', id)} />
        <button
          type="button"
          title={!leftId || !rightId ? 'Pick both exchanges first' : 'Swap left and right'}
          disabled={!leftId || !rightId}
          onClick={() => leftId && rightId && openDiff(rightId, leftId)}
        >
          ⇄
        </button>
        <ExchangePicker label="Right" value={rightId || undefined} onChange={(id) => setSide('right', id)} />
        <span className="spacer" />
        <button
          type="button"
          disabled={!leftId || !rightId}
          onClick={() => setReload((n) => n + 1)}
          title={!leftId || !rightId ? 'Pick both exchanges first' : 'Compare the two exchanges again'}
        >
          Refresh
        </button>
      </div>
      <div className="diff-body">
        {load.state === 'idle' ? (
          <div className="empty-state">
            <h2>Compare two exchanges</h2>
            <p>
              Pick a left and a right exchange above, or select a failed exchange in the traffic list and use{' '}
              <strong>Compare with last success</strong>. The diff names every difference, most significant
              first: status, error, headers, query, body bytes (key order, whitespace, BOM, line endings,
              number format), timing and connection.
            </p>
          </div>
        ) : load.state === 'loading' ? (
          <p className="muted diff-loading">Comparing…</p>
        ) : load.state === 'error' ? (
          <p className="diff-error" role="alert">
            Could not compare: {load.message}
          </p>
        ) : (
          <DiffResult diff={load.diff} />
        )}
      </div>
    </section>
  );
}
