/**
 * HAR → exchanges, as DevTools does it: the parsed JSON is validated into the typed HAR of
 * shared/har.ts first (harValidation.ts: a rejection names the JSON path and what is wrong),
 * then small mappers make exchanges of it (harToExchange.ts). Accepts HAR 1.2 as Chrome,
 * Firefox, mitmproxy, Charles and NetLens write it. A file that is not HAR is refused with a
 * HarImportError; a bad entry is skipped with its reason and the rest imported.
 *
 * The work is done entry by entry (HarImporter): only `log`'s small fields are held while the
 * entries go through, so a streaming reader can feed a file of any size in constant memory.
 */
import type { HarImportSummary } from '../../../shared/api.js';
import type { HarLogHead } from '../../../shared/har.js';
import type { Exchange } from '../../../shared/model.js';
import { jsonSyntaxProblem } from '../analysis/jsonSyntax.js';
import { harEntryToExchange, toolName, type HarImportContext } from './harToExchange.js';
import {
  describeJsonValue,
  HarPathError,
  mismatch,
  validateHarEntry,
  validateHarLogHead,
} from './harValidation.js';

/** The file as a whole is not HAR. `code` makes it a coded API failure (no stack, no content). */
export class HarImportError extends Error {
  readonly code = 'bad_har';
  constructor(message: string) {
    super(message);
    this.name = 'HarImportError';
  }
}

export interface HarImportOptions {
  /** Prefix of the ids given to entries that carry no `_netlens.id`. Default `har-`. */
  idPrefix?: string;
}

export interface ImportedEntry {
  exchange: Exchange;
  /** The request's postData, decoded. */
  requestBody?: Buffer;
  /** The response's content, decoded (HAR keeps bodies decoded). */
  responseBody?: Buffer;
}

export interface HarImportResult {
  /** The usable entries, in file order. */
  exchanges: Exchange[];
  /** Bodies by exchange id: the request's postData and the response's content, decoded. */
  bodies: Map<string, { request?: Buffer; response?: Buffer }>;
  skipped: HarImportSummary['skipped'];
}

/**
 * Imports one HAR entry at a time: `new HarImporter(log)` with the parsed `log` object (its
 * entries are not read), then `add(rawEntry)` for each entry in order.
 */
export class HarImporter {
  readonly head: HarLogHead;
  private readonly context: HarImportContext;
  private index = 0;
  readonly skipped: HarImportSummary['skipped'] = [];

  constructor(log: Record<string, unknown>, options: HarImportOptions = {}) {
    try {
      this.head = validateHarLogHead(log);
    } catch (error) {
      if (error instanceof HarPathError) throw new HarImportError(`${error.message}.`);
      throw error;
    }
    const creator = this.head.creator.name;
    this.context = {
      idPrefix: options.idPrefix ?? 'har-',
      // mitmproxy measures ssl after connect, not inside it (its savehar addon).
      sslInsideConnect: !/mitmproxy/i.test(creator),
      tool: toolName(creator),
      usedIds: new Set(),
      seenConnections: new Set(),
    };
  }

  /** The next entry of the file: its exchange, or undefined when it was skipped (see `skipped`). */
  add(raw: unknown): ImportedEntry | undefined {
    const index = this.index++;
    try {
      const entry = validateHarEntry(raw, index);
      return harEntryToExchange(entry, index, this.context);
    } catch (error) {
      if (!(error instanceof HarPathError)) throw error;
      this.skipped.push({ index, reason: error.message });
      return undefined;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonProblem(text: string): string {
  const problem = jsonSyntaxProblem(text);
  return problem
    ? `${problem.problem} (line ${problem.line}, column ${problem.column})`
    : 'it could not be parsed';
}

/** Parses a whole HAR text: the file-level checks, then every entry through a HarImporter. */
export function parseHar(text: string, options: HarImportOptions = {}): HarImportResult {
  // Some Windows tools write a UTF-8 byte order mark, which JSON.parse rejects.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '')
    throw new HarImportError('The file is empty: a HAR file is a JSON document {"log": {...}}.');
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch {
    // JSON.parse's message quotes the text and varies with the Node version: say it ourselves.
    throw new HarImportError(`The file is not valid JSON: ${jsonProblem(source)}.`);
  }
  if (!isObject(document))
    throw new HarImportError(`The file is ${describeJsonValue(document)}, not a HAR object {"log": {...}}.`);
  const log = document.log;
  if (log === undefined)
    throw new HarImportError(
      'log: missing; this JSON is not a HAR file (a HAR file is {"log": {"entries": [...]}}).',
    );
  if (!isObject(log)) throw new HarImportError(`log: ${mismatch('an object', log)}.`);
  const entries = log.entries;
  if (!Array.isArray(entries)) throw new HarImportError(`log.entries: ${mismatch('an array', entries)}.`);

  const importer = new HarImporter(log, options);
  const result: HarImportResult = { exchanges: [], bodies: new Map(), skipped: importer.skipped };
  for (const raw of entries) {
    const imported = importer.add(raw);
    if (!imported) continue;
    const { exchange, requestBody, responseBody } = imported;
    result.exchanges.push(exchange);
    if (requestBody || responseBody) {
      result.bodies.set(exchange.id, {
        ...(requestBody ? { request: requestBody } : {}),
        ...(responseBody ? { response: responseBody } : {}),
      });
    }
  }
  return result;
}
