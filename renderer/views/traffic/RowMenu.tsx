import { useEffect, useRef } from 'react';
import type { Exchange } from '../../../shared/model';
import { urlParts } from '../../../shared/filter';
import { copyText } from '../../components/copyText';
import { useStore } from '../../store';
import { curlForExchange } from '../detail/copyCurl';
import { compareWithLastSuccess, isFailure } from '../detail/DetailPane';
import { filterValue } from './filterValue';
import { compareBlocker } from '../detail/lastSuccess';
import { diffWithOriginal, replayBlocker, replayExchange } from '../replay/replayActions';

export interface RowMenuState {
  id: string;
  x: number;
  y: number;
}

/** The row's right-click menu: copy, narrow the filter to or away from its host, compare. */
export function RowMenu({ menu, onClose }: { menu: RowMenuState; onClose(): void }) {
  const exchange = useStore((s) => s.byId.get(menu.id));
  const capturing = useStore((s) => s.capturing);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent && event.key !== 'Escape') return;
      if (
        event.target instanceof Node &&
        ref.current?.contains(event.target) &&
        !(event instanceof KeyboardEvent)
      )
        return;
      onClose();
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
      window.removeEventListener('blur', close);
    };
  }, [onClose]);
  if (!exchange) return null;
  const host = urlParts(exchange).hostLabel;
  const { ids, byId } = useStore.getState();
  const comparison = isFailure(exchange) ? compareBlocker(exchange, ids, byId) : undefined;
  const pushNotice = useStore.getState().pushNotice;
  const act = (action: (e: Exchange) => void | Promise<void>) => () => {
    onClose();
    Promise.resolve(action(exchange)).catch((error: unknown) =>
      pushNotice('error', error instanceof Error ? error.message : String(error)),
    );
  };
  const appendFilter = (term: string) => {
    const { filterText, setFilter } = useStore.getState();
    setFilter(filterText.trim() === '' ? term : `${filterText.trim()} ${term}`);
  };
  return (
    <div
      ref={ref}
      className="row-menu"
      role="menu"
      aria-label="Exchange actions"
      style={{ left: menu.x, top: menu.y }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          // Closes the menu only, not the detail pane behind it.
          event.stopPropagation();
          onClose();
          return;
        }
        if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
        event.preventDefault();
        event.stopPropagation();
        const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
        const index = items.indexOf(document.activeElement as HTMLButtonElement);
        const next = items[(index + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length];
        next?.focus();
      }}
    >
      <button type="button" role="menuitem" onClick={act((e) => copyText(e.request.url))}>
        Copy URL
      </button>
      <button type="button" role="menuitem" onClick={act(async (e) => copyText(await curlForExchange(e)))}>
        Copy as cURL
      </button>
      <button
        type="button"
        role="menuitem"
        disabled={replayBlocker(exchange, capturing) !== undefined}
        title={replayBlocker(exchange, capturing)}
        onClick={act(async (e) => {
          await replayExchange(e.id);
        })}
      >
        Replay
      </button>
      <button
        type="button"
        role="menuitem"
        disabled={replayBlocker(exchange, capturing) !== undefined}
        title={replayBlocker(exchange, capturing)}
        onClick={act((e) => useStore.getState().openReplayEditor(e.id))}
      >
        Edit and resend…
      </button>
      {exchange.replayOf !== undefined && useStore.getState().byId.has(exchange.replayOf) && (
        <button type="button" role="menuitem" onClick={act(diffWithOriginal)}>
          Diff with original
        </button>
      )}
      {host && (
        <>
          <button
            type="button"
            role="menuitem"
            onClick={act(() => appendFilter(`host:${filterValue(host)}`))}
          >
            Show only {host}
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={act(() => appendFilter(`-host:${filterValue(host)}`))}
          >
            Hide {host}
          </button>
        </>
      )}
      {isFailure(exchange) && (
        <button
          type="button"
          role="menuitem"
          disabled={comparison !== undefined}
          title={comparison}
          onClick={act(compareWithLastSuccess)}
        >
          Compare with last success
        </button>
      )}
    </div>
  );
}
