import { formatDurationMs } from '../../../shared/format';
import { formatDuration } from '../../format';
import { useEffect, useRef, useState } from 'react';
import type { RetryAttempt, RetryChain } from '../../../shared/retry';
import { formatTick, tickStepMs } from '../waterfall/waterfallScale';
import { expectedBackoff } from './expectedBackoff';

/** The outcome colours of the traffic list (--status-*), never the phase colours. */
function outcomeTone(attempt: RetryAttempt): 'ok' | 'failed' | 'unfixable' {
  switch (attempt.outcome.kind) {
    case 'success':
      return 'ok';
    case 'unfixable_status':
      return 'unfixable';
    default:
      return 'failed';
  }
}

const PAD_X = 12;
const BAR_Y = 22;
const BAR_H = 16;
const WAIT_Y = BAR_Y + BAR_H + 16;
const AXIS_Y = WAIT_Y + 14;
const HEIGHT = AXIS_Y + 22;
/** A label is drawn only where it fits; the attempts table below has every number anyway. */
const CHAR_PX = 6.4;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * Attempts as bars on a time axis with round ticks, the waits between them to scale and labelled
 * where the label fits, and hollow markers where each attempt would have started under
 * exponential backoff, so a client that retries too fast or too regularly shows at a glance.
 */
export function ChainTimeline({ chain, onOpen }: { chain: RetryChain; onOpen: (id: string) => void }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useWidth(boxRef);
  const expected = expectedBackoff(chain);
  const lastExpectedMs = Math.max(chain.lastEndedAtMs, ...expected.starts.map((s) => s.startedAtMs));
  const spanMs = Math.max(1, lastExpectedMs - chain.firstStartedAtMs);
  const innerPx = width - 2 * PAD_X;
  const msPerPx = spanMs / innerPx;
  const x = (epochMs: number) => PAD_X + (epochMs - chain.firstStartedAtMs) / msPerPx;
  const stepMs = tickStepMs(msPerPx, 70);
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs && ticks.length < 100; t += stepMs) ticks.push(t);

  return (
    <div className="chain-timeline" ref={boxRef}>
      <svg width={width} height={HEIGHT} role="list" aria-label="Attempts timeline">
        {ticks.map((t) => (
          <g key={t} className="timeline-tick">
            <line
              x1={x(chain.firstStartedAtMs + t)}
              x2={x(chain.firstStartedAtMs + t)}
              y1={BAR_Y - 6}
              y2={AXIS_Y}
            />
            <text x={x(chain.firstStartedAtMs + t)} y={AXIS_Y + 14} textAnchor={t === 0 ? 'start' : 'middle'}>
              {formatTick(t, stepMs)}
            </text>
          </g>
        ))}
        {expected.starts.length > 0 && (
          <polyline
            className="timeline-expected-line"
            points={[chain.attempts[1]!, ...expected.starts]
              .map((s) => `${x(s.startedAtMs)},${BAR_Y + BAR_H / 2}`)
              .join(' ')}
          />
        )}
        {chain.attempts.slice(1).map((attempt, i) => {
          const previous = chain.attempts[i]!;
          const x1 = x(previous.endedAtMs);
          const x2 = x(attempt.startedAtMs);
          const label = formatDuration(attempt.waitBeforeMs ?? attempt.startedAtMs - previous.endedAtMs);
          const fits = x2 - x1 >= label.length * CHAR_PX + 6;
          return (
            <g key={`wait-${attempt.exchangeId}`} className="timeline-wait">
              <title>{`Waited ${label} before attempt ${attempt.attempt}`}</title>
              <line x1={x1} x2={x2} y1={WAIT_Y - 10} y2={WAIT_Y - 10} />
              {fits && (
                <text x={(x1 + x2) / 2} y={WAIT_Y} textAnchor="middle">
                  {label}
                </text>
              )}
            </g>
          );
        })}
        {chain.attempts.map((attempt) => {
          const x1 = x(attempt.startedAtMs);
          const barPx = Math.max(4, x(attempt.endedAtMs) - x1);
          const took = formatDuration(attempt.endedAtMs - attempt.startedAtMs);
          return (
            <g
              key={attempt.exchangeId}
              role="listitem"
              className={`timeline-attempt ${outcomeTone(attempt)}`}
            >
              <g
                role="button"
                aria-label={`Attempt ${attempt.attempt}: ${attempt.label}`}
                tabIndex={0}
                onClick={() => onOpen(attempt.exchangeId)}
                onKeyDown={(event) =>
                  (event.key === 'Enter' || event.key === ' ') && onOpen(attempt.exchangeId)
                }
              >
                <title>{`Attempt ${attempt.attempt}: ${attempt.label} (${took})`}</title>
                <rect x={x1} y={BAR_Y} width={barPx} height={BAR_H} rx={2} />
                <text x={x1 + barPx / 2} y={BAR_Y - 4} textAnchor="middle">
                  {attempt.attempt}
                </text>
              </g>
            </g>
          );
        })}
        {expected.starts.map((s) => {
          const cx = x(s.startedAtMs);
          const cy = BAR_Y + BAR_H / 2;
          return (
            <path
              key={`expected-${s.attempt}`}
              className="timeline-expected"
              d={`M ${cx} ${cy - 6} L ${cx + 6} ${cy} L ${cx} ${cy + 6} L ${cx - 6} ${cy} Z`}
            >
              <title>{`Attempt ${s.attempt} would start here after ${formatDurationMs(s.waitMs)} with exponential backoff`}</title>
            </path>
          );
        })}
      </svg>
      <div className="timeline-legend muted" aria-label="Timeline legend">
        <span>
          <i className="legend-swatch ok" /> succeeded
        </span>
        <span>
          <i className="legend-swatch failed" /> failed, worth retrying
        </span>
        <span>
          <i className="legend-swatch unfixable" /> failed, a retry will not help
        </span>
        {expected.starts.length > 0 && (
          <span>
            ◇ start with exponential backoff ×{expected.factor.toFixed(1)} from{' '}
            {formatDuration(expected.baseMs)}
          </span>
        )}
      </div>
    </div>
  );
}
