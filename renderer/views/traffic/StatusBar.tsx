import { useStore } from '../../store';
import { selectVisibleRows } from '../../store/selectors';
import { ImportProgress } from './ImportProgress';

/** Proxy address, capture state, shown/total and error counts, a HAR import's progress, connection state. */
export function StatusBar() {
  const info = useStore((s) => s.info);
  const capturing = useStore((s) => s.capturing);
  const connection = useStore((s) => s.connection);
  const rows = useStore(selectVisibleRows);
  const total = useStore((s) => s.ids.length);
  const errorCount = useStore((s) => s.errorCount);
  const failedCount = useStore((s) => s.failedCount);
  return (
    <footer className="status-bar" role="status" aria-label="Status">
      <span>
        Proxy: <code>{info?.proxyUrl ?? 'not listening'}</code>
      </span>
      <span>{capturing ? '● Capturing' : '○ Paused'}</span>
      <span aria-label="Exchange count">
        {rows.ids.length === total
          ? `${total} exchange${total === 1 ? '' : 's'}`
          : `${rows.ids.length} / ${total} shown`}
      </span>
      <span className={errorCount > 0 ? 'err' : undefined} aria-label="Error count">
        {errorCount} error{errorCount === 1 ? '' : 's'}
      </span>
      <span aria-label="Failed count">{failedCount} failed (errors + 4xx/5xx)</span>
      <ImportProgress />
      <span className="spacer" style={{ flex: 1 }} />
      {connection !== 'open' && <span className="err">Disconnected from NetLens: reconnecting…</span>}
      {info && <span>NetLens {info.version}</span>}
    </footer>
  );
}
