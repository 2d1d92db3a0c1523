/**
 * A small chart of ping samples, drawn as they arrive: one point per sample on a time axis of
 * the whole run (so the line grows left to right), a ✕ at the bottom for a sample without reply,
 * and the y axis from 0 to a round value above the slowest reply.
 */
import { formatDurationMs } from '../../../shared/format';
import { formatDuration } from '../../format';
import type { PingSample } from '../../../shared/probe';

const WIDTH = 480;
const HEIGHT = 96;
const PAD_LEFT = 44;
const PAD_RIGHT = 8;
const PAD_TOP = 8;
const PAD_BOTTOM = 14;

/** 1, 2, 5 × 10ⁿ at or above `value`. */
export function roundUp(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function PingChart({ samples, count }: { samples: readonly PingSample[]; count: number }) {
  const replies = samples.filter((s) => s.ok && s.timeMs !== undefined);
  const top = roundUp(Math.max(0, ...replies.map((s) => s.timeMs!)));
  const slots = Math.max(count, samples.length, 2);
  const x = (index: number) => PAD_LEFT + (index / (slots - 1)) * (WIDTH - PAD_LEFT - PAD_RIGHT);
  const y = (ms: number) => PAD_TOP + (1 - ms / top) * (HEIGHT - PAD_TOP - PAD_BOTTOM);
  const points = samples
    .map((s, i) =>
      s.ok && s.timeMs !== undefined ? `${x(i).toFixed(1)},${y(s.timeMs).toFixed(1)}` : undefined,
    )
    .filter((p): p is string => p !== undefined);
  const lost = samples.length - replies.length;
  const label = `Ping times: ${samples.length} of ${count} samples${
    replies.length > 0 ? `, slowest ${formatDurationMs(Math.max(...replies.map((s) => s.timeMs!)))}` : ''
  }${lost > 0 ? `, ${lost} without reply` : ''}`;
  return (
    <svg
      className="ping-chart"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      data-samples={samples.length}
    >
      <line className="axis" x1={PAD_LEFT} x2={WIDTH - PAD_RIGHT} y1={y(0)} y2={y(0)} />
      <line className="grid" x1={PAD_LEFT} x2={WIDTH - PAD_RIGHT} y1={y(top)} y2={y(top)} />
      <text className="tick" x={PAD_LEFT - 4} y={y(top) + 4} textAnchor="end">
        {formatDuration(top)}
      </text>
      <text className="tick" x={PAD_LEFT - 4} y={y(0) + 4} textAnchor="end">
        0
      </text>
      {points.length > 1 ? <polyline className="line" points={points.join(' ')} /> : null}
      {samples.map((s, i) =>
        s.ok && s.timeMs !== undefined ? (
          <circle key={s.seq} className="point" cx={x(i)} cy={y(s.timeMs)} r={2.5}>
            <title>{`#${s.seq}: ${formatDurationMs(s.timeMs)}`}</title>
          </circle>
        ) : (
          <text key={s.seq} className="lost" x={x(i)} y={y(0) + 4} textAnchor="middle">
            ✕<title>{`#${s.seq}: ${s.error ?? 'no reply'}`}</title>
          </text>
        ),
      )}
    </svg>
  );
}
