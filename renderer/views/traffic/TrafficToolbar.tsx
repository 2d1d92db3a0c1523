import { useRef, useState } from 'react';
import { ApiCallError, call } from '../../api';
import { useStore } from '../../store';
import { ExportHarDialog } from './ExportHarDialog';
import { FilterBar } from './FilterBar';

/** Capture on/off, clear, filter, collapse retries, HAR export and import. */
export function TrafficToolbar() {
  const capturing = useStore((s) => s.capturing);
  const info = useStore((s) => s.info);
  const collapseRetries = useStore((s) => s.collapseRetries);
  const setCollapseRetries = useStore((s) => s.setCollapseRetries);
  const pushNotice = useStore((s) => s.pushNotice);
  const count = useStore((s) => s.ids.length);
  const [exporting, setExporting] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const report = (what: string) => (error: unknown) =>
    pushNotice('error', `${what}: ${error instanceof Error ? error.message : String(error)}`);

  async function importHar(file: File) {
    const { setHarUpload } = useStore.getState();
    setHarUpload({ fileName: file.name, bytes: file.size, phase: 'reading' });
    try {
      const text = await file.text();
      setHarUpload({ fileName: file.name, bytes: file.size, phase: 'sending' });
      // The list reloads on the engine's `exchanges:reload` (engineSync.ts): loading it here too
      // would fetch 100,000 exchanges twice.
      const summary = await call('har:import', text);
      const skipped = summary.skipped.length;
      pushNotice(
        skipped > 0 ? 'warning' : 'info',
        `Imported ${summary.imported.toLocaleString('en-US')} entries from ${file.name}` +
          (skipped > 0
            ? `; skipped ${skipped} (${summary.skipped[0]!.reason}${skipped > 1 ? ', …' : ''})`
            : ''),
      );
    } catch (error) {
      if (error instanceof ApiCallError && error.code === 'disconnected') {
        // The engine goes on with an import it received; this page cannot tell whether it did.
        pushNotice(
          'warning',
          `The connection to NetLens dropped during the import of ${file.name}; NetLens may have ` +
            'imported it all the same: the list reloads when the page reconnects.',
        );
        return;
      }
      // The engine's message is one line naming where the file is wrong, never its content;
      // the code says what kind of failure it was (har_invalid: the file; others: NetLens).
      const code = error instanceof ApiCallError ? ` (${error.code})` : '';
      pushNotice(
        'error',
        `Import of ${file.name} failed: ${error instanceof Error ? error.message : String(error)}${code}`,
      );
    } finally {
      setHarUpload(undefined);
    }
  }

  return (
    <div className="toolbar" role="toolbar" aria-label="Traffic">
      <button
        type="button"
        aria-pressed={capturing}
        onClick={() => {
          const next = !capturing;
          useStore.getState().setCapturing(next);
          call('capture:set', next).catch((e: unknown) => {
            useStore.getState().setCapturing(!next);
            report('Capture could not be changed')(e);
          });
        }}
        title={capturing ? 'Stop recording new exchanges' : 'Record new exchanges'}
      >
        <span className={`capture-dot${capturing ? ' on' : ''}`} aria-hidden="true" />
        {capturing ? 'Stop capture' : 'Start capture'}
      </button>
      <button
        type="button"
        disabled={count === 0}
        title={count === 0 ? 'Nothing to clear: no exchanges yet' : 'Remove every exchange from the list'}
        onClick={() => {
          call('exchanges:clear')
            .then(() => useStore.getState().clearExchanges())
            .catch(report('Clear failed'));
        }}
      >
        Clear
      </button>
      <FilterBar />
      <label title="Show one row per retry chain">
        <input
          type="checkbox"
          checked={collapseRetries}
          onChange={(e) => setCollapseRetries(e.target.checked)}
        />
        Collapse retry chains
      </label>
      <button
        type="button"
        disabled={count === 0}
        title={count === 0 ? 'Nothing to export: no exchanges yet' : 'Save the exchanges as a HAR file'}
        onClick={() => setExporting(true)}
      >
        Export HAR…
      </button>
      {info?.mode !== 'electron' && (
        <>
          <button type="button" onClick={() => fileRef.current?.click()}>
            Import HAR…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".har,application/json"
            aria-label="HAR file to import"
            hidden
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importHar(file);
            }}
          />
        </>
      )}
      {exporting && <ExportHarDialog onClose={() => setExporting(false)} />}
    </div>
  );
}
