import { formatBytes } from '../../../shared/format';
import { useStore } from '../../store';
import type { HarImportState, HarUpload } from '../../store/appSlice';

/** What the import line says, or undefined when no import runs. Exported for its unit test. */
export function importProgressText(
  upload: HarUpload | undefined,
  progress: HarImportState | undefined,
): { text: string; value?: number; max?: number } | undefined {
  const running = progress && !progress.done ? progress : undefined;
  if (running) {
    const name = upload ? ` ${upload.fileName}` : '';
    const entries = `${running.entries.toLocaleString('en-US')} entr${running.entries === 1 ? 'y' : 'ies'}`;
    const total = running.totalBytes;
    const bytes =
      total !== undefined && total > 0
        ? `${formatBytes(running.bytesRead)} of ${formatBytes(total)}`
        : formatBytes(running.bytesRead);
    return {
      text: `Importing${name}: ${entries} · ${bytes}`,
      ...(total !== undefined && total > 0 ? { value: Math.min(running.bytesRead, total), max: total } : {}),
    };
  }
  if (!upload) return undefined;
  return upload.phase === 'reading'
    ? { text: `Reading ${upload.fileName} (${formatBytes(upload.bytes)})…` }
    : { text: `Sending ${upload.fileName} (${formatBytes(upload.bytes)}) to NetLens…` };
}

/** The status bar's line while a HAR import runs: from this page (web mode) or the File menu. */
export function ImportProgress() {
  const upload = useStore((s) => s.harUpload);
  const progress = useStore((s) => s.harImport);
  const line = importProgressText(upload, progress);
  if (!line) return null;
  return (
    <span className="import-progress">
      {/* Without value a <progress> is indeterminate: the file is read or sent, size unknown yet. */}
      <progress
        aria-label="HAR import"
        {...(line.value !== undefined ? { value: line.value, max: line.max } : {})}
      />
      <span aria-label="HAR import progress">{line.text}</span>
    </span>
  );
}
