import { useEffect, useRef, useState } from 'react';
import { call } from '../../api';
import { useStore } from '../../store';
import { selectVisibleRows } from '../../store/selectors';

/** `netlens-2026-01-31T14-03-07.har`: sortable and safe on every file system. */
export function harFileName(nowMs: number): string {
  return `netlens-${new Date(nowMs).toISOString().slice(0, 19).replace(/:/g, '-')}.har`;
}

/** Saves text as a file download (web mode): a Blob URL on a temporary <a download>. */
export function downloadText(text: string, fileName: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has started from the URL; give it a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportHarDialog({ onClose }: { onClose(): void }) {
  const info = useStore((s) => s.info);
  const rows = useStore(selectVisibleRows);
  const total = useStore((s) => s.ids.length);
  const pushNotice = useStore((s) => s.pushNotice);
  const filtered = rows.ids.length !== total;
  const [scope, setScope] = useState<'all' | 'filtered'>(filtered ? 'filtered' : 'all');
  const [redact, setRedact] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  async function exportHar() {
    setBusy(true);
    setError(undefined);
    // The table may be sorted or collapsed: export in seq order, as captured.
    const ids = scope === 'filtered' ? [...rows.ids] : undefined;
    if (ids) {
      const byId = useStore.getState().byId;
      ids.sort((a, b) => (byId.get(a)?.seq ?? 0) - (byId.get(b)?.seq ?? 0));
    }
    const options = { ...(ids ? { ids } : {}), redact };
    try {
      if (info?.mode === 'electron') {
        const saved = await call('har:save', options);
        if (saved) pushNotice('info', `HAR saved to ${saved.path}`);
      } else {
        const text = await call('har:export', options);
        downloadText(text, harFileName(Date.now()));
      }
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="export-har-title">
        <h2 id="export-har-title">Export HAR</h2>
        <fieldset>
          <legend className="muted">Exchanges</legend>
          <label>
            <input
              ref={firstRef}
              type="radio"
              name="scope"
              checked={scope === 'all'}
              onChange={() => setScope('all')}
            />{' '}
            All ({total})
          </label>
          <label>
            <input
              type="radio"
              name="scope"
              checked={scope === 'filtered'}
              disabled={!filtered}
              title={filtered ? undefined : 'No filter is applied: all exchanges are shown'}
              onChange={() => setScope('filtered')}
            />{' '}
            Filtered ({rows.ids.length})
          </label>
        </fieldset>
        <label>
          <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} /> Redact
          secrets (Authorization, cookies, tokens)
        </label>
        {error && (
          <p role="alert" style={{ color: 'var(--danger)' }}>
            {error}
          </p>
        )}
        <footer>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void exportHar()}>
            {busy ? 'Exporting…' : info?.mode === 'electron' ? 'Save…' : 'Download'}
          </button>
        </footer>
      </div>
    </div>
  );
}
