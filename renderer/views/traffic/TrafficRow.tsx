import { memo } from 'react';
import type { Exchange } from '../../../shared/model';
import { urlParts } from '../../../shared/filter';
import { formatClock, shortContentType } from '../../format';
import { useStore } from '../../store';
import { MiniWaterfall } from './MiniWaterfall';
import type { TimeBounds } from './sessionBounds';
import { formatBytes, formatDurationMs } from '../../../shared/format';
import { errorLabel } from '../../../shared/errorClasses';

export interface TrafficRowProps {
  id: string;
  index: number;
  topPx: number;
  selected: boolean;
  attempts: number | undefined;
  bounds: TimeBounds | undefined;
  onSelect(id: string): void;
}

function statusText(exchange: Exchange): string {
  if (exchange.response) return `${exchange.response.status}`;
  if (exchange.error) return errorLabel(exchange.error);
  if (exchange.state === 'pending') return 'pending';
  if (exchange.kind === 'tunnel') return 'tunnel';
  return '';
}

/** One exchange. Re-renders only when its own exchange object, selection or position changes. */
export const TrafficRow = memo(function TrafficRow({
  id,
  index,
  topPx,
  selected,
  attempts,
  bounds,
  onSelect,
}: TrafficRowProps) {
  const exchange = useStore((s) => s.byId.get(id));
  if (!exchange) return null;
  const { host, path } = urlParts(exchange);
  const status = exchange.response?.status;
  const errored = exchange.error !== undefined;
  const failed = !errored && status !== undefined && status >= 400;
  // A failure a NetLens rule caused on purpose looks different from a real one at a glance.
  const injected = exchange.error?.class === 'injected_fault';
  const className = `traffic-row${index % 2 ? ' odd' : ''}${errored ? ' errored' : failed ? ' failed' : ''}${injected ? ' injected' : ''}${exchange.state === 'pending' ? ' pending' : ''}`;
  const size = exchange.response?.body.sizeBytes;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={className}
      style={{ transform: `translateY(${topPx}px)` }}
      onMouseDown={() => onSelect(id)}
      data-id={id}
    >
      <span role="cell">{exchange.request.method}</span>
      <span role="cell" title={host}>
        {host}
      </span>
      <span role="cell" title={exchange.request.url}>
        {path || exchange.request.url}
        {exchange.retry && (
          <span className="badge warn" title={`Retry chain ${exchange.retry.chainId}`}>
            {attempts !== undefined ? `${attempts} attempts` : `attempt ${exchange.retry.attempt}`}
          </span>
        )}
        {exchange.rule && (
          <span
            className="badge rule"
            title={`NetLens rule "${exchange.rule.ruleName}": ${exchange.rule.actions.join('; ')}`}
          >
            rule {exchange.rule.ruleName}
          </span>
        )}
      </span>
      <span role="cell">
        {errored ? '✖ ' : failed ? '⚠ ' : ''}
        {statusText(exchange)}
      </span>
      <span role="cell">{shortContentType(exchange.response?.body.contentType)}</span>
      <span role="cell" className="num">
        {formatBytes(size)}
      </span>
      <span role="cell" className="num">
        {exchange.state === 'pending' ? '…' : formatDurationMs(exchange.durationMs)}
      </span>
      <span role="cell" className="num">
        {formatClock(exchange.startedAtMs)}
      </span>
      <span role="cell">
        <MiniWaterfall exchange={exchange} bounds={bounds} />
      </span>
      <span role="cell" title={exchange.error?.message}>
        {exchange.error?.class ?? ''}
      </span>
      <span role="cell" title={exchange.source}>
        {exchange.source ?? ''}
      </span>
    </div>
  );
});
