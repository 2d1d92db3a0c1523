import type { Header } from './model.js';

/**
 * Resend an exchange (the UI's Replay and Edit and resend). Whatever `edit` leaves out is sent as
 * recorded. Host always follows the URL and Content-Length the body; hop-by-hop fields are the
 * proxy's business and are not sent.
 */
export interface ReplayRequest {
  /** The exchange to resend. */
  id: string;
  edit?: ReplayEdit;
}

export interface ReplayEdit {
  method?: string;
  /** Absolute http:// or https:// URL. */
  url?: string;
  /** The whole header list, in order (replaces the recorded one). */
  headers?: Header[];
  /** The body as text (sent UTF-8); replaces the recorded body. */
  body?: string;
}

export interface ReplayResult {
  /** The new exchange, recorded by the proxy like any other (`replayOf` = the original). */
  id: string;
  replayOf: string;
}

/** The source label of exchanges NetLens resent itself. */
export const REPLAY_SOURCE = 'replay';

/** RFC 9110 §5.1 / §9.1: field names and methods are tokens. */
export const TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Field names the replay sets itself or that belong to one connection (RFC 9110 §7.6.1). */
export const REPLAY_MANAGED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'upgrade',
  'proxy-authorization',
]);

/** What is wrong with an edit, or undefined when it can be sent. */
export function replayEditProblem(edit: ReplayEdit): string | undefined {
  if (edit.method !== undefined && !TOKEN_PATTERN.test(edit.method))
    return `Method "${edit.method.slice(0, 40)}" is not an HTTP method (letters, digits and !#$%&'*+-.^_\`|~).`;
  if (edit.url !== undefined) {
    let url: URL;
    try {
      url = new URL(edit.url);
    } catch {
      return `"${edit.url.slice(0, 80)}" is not a URL: give an absolute http:// or https:// URL.`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `Only http:// and https:// URLs can be sent, not ${url.protocol}//.`;
    if (url.hostname === '') return `The URL "${edit.url.slice(0, 80)}" has no host.`;
  }
  for (const [index, header] of (edit.headers ?? []).entries()) {
    if (!TOKEN_PATTERN.test(header.name))
      return `Header ${index + 1}: "${header.name.slice(0, 40)}" is not a header name (no spaces, colons or quotes).`;
    // RFC 9110 §5.5: CR, LF and NUL are never allowed in a field value.
    if (/[\r\n\0]/.test(header.value))
      return `Header ${header.name}: a value cannot contain line breaks or NUL.`;
  }
  return undefined;
}
