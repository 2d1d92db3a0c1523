/**
 * HAR files through native dialogs: "Save session as HAR" (menu and the `har:save` channel)
 * and "Open session" (HAR import).
 */
import { app, dialog, type BrowserWindow } from 'electron';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { HarExportOptions, HarImportSummary } from '../../shared/api.js';
import type { Engine } from '../engine/engine.js';
import type { HandlerTable } from '../engine/api/apiHandlers.js';
import { ApiFailure } from '../engine/api/apiFailure.js';
import { argList } from '../engine/api/apiArguments.js';
import { importHarSafely } from '../engine/api/harImportFailure.js';
import { writeTextFileAtomically } from '../engine/system/atomicFileWrite.js';
import { parseHarExportOptions } from '../engine/api/captureHandlers.js';

const HAR_FILTERS = [
  { name: 'HAR', extensions: ['har'] },
  { name: 'JSON', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

export function defaultHarFileName(now: Date, redacted: boolean): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  return `netlens-${stamp}${redacted ? '-redacted' : ''}.har`;
}

export async function saveHarWithDialog(
  engine: Engine,
  window: BrowserWindow | undefined,
  options: HarExportOptions,
): Promise<{ path: string } | null> {
  const dialogOptions = {
    title: options.redact ? 'Export HAR (redacted)' : 'Export HAR',
    defaultPath: path.join(app.getPath('downloads'), defaultHarFileName(new Date(), options.redact === true)),
    filters: HAR_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation'] as (
      'createDirectory' | 'showOverwriteConfirmation'
    )[],
  };
  const choice = window
    ? await dialog.showSaveDialog(window, dialogOptions)
    : await dialog.showSaveDialog(dialogOptions);
  if (choice.canceled || !choice.filePath) return null;
  const har = await engine.exportHar(options);
  try {
    // 0600 (writeTextFileAtomically's default): an unredacted HAR holds credentials.
    await writeTextFileAtomically(choice.filePath, `${JSON.stringify(har, null, 2)}\n`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiFailure('io_error', `Could not write ${choice.filePath}: ${reason}`, { cause: error });
  }
  return { path: choice.filePath };
}

export async function openHarWithDialog(
  engine: Engine,
  window: BrowserWindow | undefined,
): Promise<{ path: string; summary: HarImportSummary } | null> {
  const dialogOptions = {
    title: 'Open session (HAR)',
    filters: HAR_FILTERS,
    properties: ['openFile'] as 'openFile'[],
  };
  const choice = window
    ? await dialog.showOpenDialog(window, dialogOptions)
    : await dialog.showOpenDialog(dialogOptions);
  const file = choice.filePaths[0];
  if (choice.canceled || !file) return null;
  const info = await stat(file);
  // Streamed: a file of any size is read in the memory of its largest entry, and the window
  // shows the engine's har:importProgress events while it runs.
  const summary = await importHarSafely(() =>
    engine.importHarStream(createReadStream(file, { highWaterMark: 1 << 18 }), {
      totalBytes: info.size,
    }),
  );
  return { path: file, summary };
}

/** The Electron-only `har:save` channel (web mode has no handler: `unsupported`, the UI downloads). */
export function harSaveHandler(
  engine: Engine,
  getWindow: () => BrowserWindow | undefined,
): Partial<HandlerTable> {
  return {
    'har:save': {
      parse: (args) => {
        const [options] = argList(args, 0, 1);
        return [parseHarExportOptions(options)];
      },
      handle: (options) => saveHarWithDialog(engine, getWindow(), options),
    },
  };
}
