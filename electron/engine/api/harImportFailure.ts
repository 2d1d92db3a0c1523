/**
 * What a failed HAR import tells the user, wherever it is shown (the UI's notice, Electron's
 * File → Open dialog): a stable code and one line naming where the file is wrong — never a
 * stack trace, and never the file's content. A HAR holds cookies and tokens, and V8's
 * JSON.parse messages quote the text around a syntax error, so every message is cleaned here,
 * at the boundary, whatever the parser said.
 */
import type { HarImportSummary } from '../../../shared/api.js';
import { HarImportError } from '../capture/harImport.js';
import { ApiFailure } from './apiFailure.js';

/** The file is not a HAR NetLens can read; the message says where. */
export const HAR_INVALID = 'har_invalid';
/** Importing failed for a reason of NetLens' own (a bug): the message names the error, not the file. */
export const HAR_IMPORT_FAILED = 'har_import_failed';

const MAX_MESSAGE_LENGTH = 300;
const CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * One line, without quoted file content: V8's `"…" is not valid JSON` excerpt and its
 * `Unexpected token 'x'` go; a quoted value is elided unless it is a plain key name (`"log"`).
 */
export function contentFreeMessage(message: string): string {
  let line = (message.split(/\r?\n/, 1)[0] ?? '').slice(0, 4 * MAX_MESSAGE_LENGTH);
  line = line
    .replace(/,?\s*(?:\.\.\.)?".*\s+is not valid JSON/, '')
    .replace(/Unexpected token '.{1,8}'/g, 'Unexpected character')
    .replace(/"([^"]*)"/g, (quoted, inner: string) =>
      /^[A-Za-z_$][\w$.]{0,40}$/.test(inner) ? quoted : '"…"',
    )
    .replace(/\p{Cc}/gu, ' ')
    .trim();
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : line;
}

/** The error to throw for a failed import: coded, one line, content-free. */
export function harImportFailure(error: unknown): ApiFailure {
  const message = error instanceof Error ? error.message : String(error);
  const ownCode =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (error instanceof HarImportError || (error instanceof Error && error.name === 'HarImportError')) {
    return new ApiFailure(HAR_INVALID, contentFreeMessage(message));
  }
  if (typeof ownCode === 'string' && CODE_PATTERN.test(ownCode)) {
    return new ApiFailure(ownCode, contentFreeMessage(message));
  }
  const kind = error instanceof Error ? error.name : typeof error;
  return new ApiFailure(
    HAR_IMPORT_FAILED,
    `The HAR could not be imported (${kind}: ${contentFreeMessage(message)}); this is a NetLens bug, please report it.`,
  );
}

/** Skipped entries' reasons go to the UI as well: the same cleaning. */
export function contentFreeSummary(summary: HarImportSummary): HarImportSummary {
  return {
    ...summary,
    skipped: summary.skipped.map((skip) => ({ ...skip, reason: contentFreeMessage(skip.reason) })),
  };
}

/** Runs an import and turns any failure into harImportFailure's. */
export async function importHarSafely(importHar: () => Promise<HarImportSummary>): Promise<HarImportSummary> {
  let summary: HarImportSummary;
  try {
    summary = await importHar();
  } catch (error) {
    throw harImportFailure(error);
  }
  return contentFreeSummary(summary);
}
