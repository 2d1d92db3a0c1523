import { Fragment, memo } from 'react';
import type { ReactNode } from 'react';
import type { Exchange } from '../../../shared/model';
import { urlParts } from '../../../shared/filter';
import { formatClock, shortContentType, formatDuration } from '../../format';
import { useStore } from '../../store';
import { MiniWaterfall } from './MiniWaterfall';
import type { TimeBounds } from './sessionBounds';
import { formatBytes } from '../../../shared/format';
import { errorLabel } from '../../../shared/errorClasses';
import { exchangeTimeMs } from '../../../shared/timing';
import { exchangeTone, statusMark } from '../../statusTone';
import type { Column, ColumnId } from './columns';
import { SchemeMark } from './SchemeMark';

export interface TrafficRowProps {
  id: string;
  index: number;
  topPx: number;
  selected: boolean;
  attempts: number | undefined;
  bounds: TimeBounds | undefined;
  /** The columns shown, in order (a stable array: the full or the compact set). */
  columns: readonly Column[];
  onSelect(id: string): void;
}

/** What the Status cell says: the code, the short reason of a failure, or the state. */
export function statusText(exchange: Exchange): string {
  if (exchange.response) return `${exchange.response.status}`;
  if (exchange.error) return errorLabel(exchange.error);
  if (exchange.state === 'pending') return 'pending';
  if (exchange.kind === 'tunnel') return 'tunnel';
  return '';
}

function cell(
  id: ColumnId,
  exchange: Exchange,
  attempts: number | undefined,
  bounds: TimeBounds | undefined,
): ReactNode {
  const parts = urlParts(exchange);
  switch (id) {
    case 'method':
      return <span role="cell">{exchange.request.method}</span>;
    case 'host':
      return (
        <span role="cell" title={parts.hostLabel}>
          <SchemeMark scheme={parts.scheme} />
          {parts.hostLabel}
        </span>
      );
    case 'path':
    case 'name': {
      const retry = exchange.retry && (
        <span className="badge warn" title={`Retry chain ${exchange.retry.chainId}`}>
          {attempts !== undefined ? `${attempts} attempts` : `attempt ${exchange.retry.attempt}`}
        </span>
      );
      const rule = exchange.rule && (
        <span
          className="badge rule"
          title={`NetLens rule "${exchange.rule.ruleName}": ${exchange.rule.actions.join('; ')}`}
        >
          rule {exchange.rule.ruleName}
        </span>
      );
      const replay = exchange.replayOf !== undefined && (
        <span className="replay-mark" title="A replay (resent from NetLens)" aria-label="replay">
          ↻{' '}
        </span>
      );
      if (id === 'path')
        return (
          <span role="cell" title={exchange.request.url}>
            {replay}
            {parts.path || exchange.request.url}
            {retry}
            {rule}
          </span>
        );
      return (
        <span role="cell" title={exchange.request.url}>
          <SchemeMark scheme={parts.scheme} />
          {replay}
          {exchange.request.method !== 'GET' && (
            <span className="name-method">{exchange.request.method} </span>
          )}
          {parts.path || exchange.request.url}
          {retry}
          {rule}
          <span className="name-host">{parts.hostLabel}</span>
        </span>
      );
    }
    case 'status': {
      const tone = exchangeTone(exchange);
      const mark = statusMark(tone);
      return (
        <span
          role="cell"
          className={`tone-${tone}`}
          title={exchange.error?.message ?? exchange.response?.statusText}
        >
          {mark ? `${mark} ` : ''}
          {statusText(exchange)}
        </span>
      );
    }
    case 'type':
      return <span role="cell">{shortContentType(exchange.response?.body.contentType)}</span>;
    case 'size':
      return (
        <span role="cell" className="num">
          {formatBytes(exchange.response?.body.sizeBytes)}
        </span>
      );
    case 'duration':
      return (
        <span role="cell" className="num">
          {exchange.state === 'pending' ? '…' : formatDuration(exchangeTimeMs(exchange))}
        </span>
      );
    case 'start':
      return (
        <span role="cell" className="num">
          {formatClock(exchange.startedAtMs)}
        </span>
      );
    case 'waterfall':
      return (
        <span role="cell">
          <MiniWaterfall exchange={exchange} bounds={bounds} />
        </span>
      );
    case 'error':
      return (
        <span
          role="cell"
          className={exchange.error ? 'tone-error' : undefined}
          title={exchange.error?.message}
        >
          {exchange.error?.class ?? ''}
        </span>
      );
    case 'source':
      return (
        <span role="cell" title={exchange.source}>
          {exchange.source ?? ''}
        </span>
      );
  }
}

/** One exchange. Re-renders only when its own exchange object, selection, position or columns change. */
export const TrafficRow = memo(function TrafficRow({
  id,
  index,
  topPx,
  selected,
  attempts,
  bounds,
  columns,
  onSelect,
}: TrafficRowProps) {
  const exchange = useStore((s) => s.byId.get(id));
  if (!exchange) return null;
  const errored = exchange.error !== undefined;
  // A failure a NetLens rule caused on purpose looks different from a real one at a glance.
  const injected = exchange.error?.class === 'injected_fault';
  const className = `traffic-row${index % 2 ? ' odd' : ''}${errored ? ' errored' : ''}${injected ? ' injected' : ''}${exchange.state === 'pending' ? ' pending' : ''}`;
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
      {columns.map((column) => (
        <Fragment key={column.id}>{cell(column.id, exchange, attempts, bounds)}</Fragment>
      ))}
    </div>
  );
});
