import type { BodyPayload, Exchange } from '../../../shared/model.js';
import { REPLAY_MANAGED_HEADERS, replayEditProblem, type ReplayEdit } from '../../../shared/replay.js';

/** A replay that cannot be sent; `code` becomes the API Result's error code. */
export class ReplayError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_argument' | 'unsupported' | 'capture_paused' | 'replay_failed',
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}

export interface OutgoingReplay {
  method: string;
  url: URL;
  /** Raw pairs as Node's http takes them (name, value, name, value...): order, case and duplicates kept. */
  rawHeaders: string[];
  body: Buffer;
}

/**
 * What a replay sends: the recorded request with the edit applied. Pure, so every rule here is
 * unit-tested without sockets. Host follows the URL and Content-Length the body (RFC 9112 §6.3);
 * a body NetLens stored decoded goes out without its Content-Encoding, since it is no longer encoded.
 */
export function replayRequest(
  original: Exchange,
  recordedBody: BodyPayload | null,
  edit: ReplayEdit = {},
): OutgoingReplay {
  if (original.kind !== 'http')
    throw new ReplayError(
      'unsupported',
      original.kind === 'tunnel'
        ? 'A tunnel cannot be replayed: NetLens did not see the requests inside it.'
        : 'A WebSocket cannot be replayed: only its opening handshake was recorded as a request.',
    );
  const problem = replayEditProblem(edit);
  if (problem) throw new ReplayError('bad_argument', problem);

  let body: Buffer;
  let bodyDecoded = false;
  if (edit.body !== undefined) {
    body = Buffer.from(edit.body, 'utf8');
  } else if (recordedBody) {
    if (recordedBody.truncated)
      throw new ReplayError(
        'unsupported',
        `The request body was captured only in part (${recordedBody.sizeBytes} bytes sent, less kept), so it cannot be resent as it was. Edit the body, or raise the body capture limit in Settings and capture it again.`,
      );
    body = Buffer.from(recordedBody.base64, 'base64');
    bodyDecoded = recordedBody.decoded && original.request.body.contentEncoding !== undefined;
  } else {
    body = Buffer.alloc(0);
  }

  const method = edit.method ?? original.request.method;
  let url: URL;
  try {
    url = new URL(edit.url ?? original.request.url);
  } catch {
    throw new ReplayError('bad_argument', `The recorded URL "${original.request.url}" cannot be parsed.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ReplayError(
      'unsupported',
      `Only http:// and https:// requests can be replayed, not ${url.protocol}//.`,
    );

  const headers = edit.headers ?? original.request.headers;
  const rawHeaders: string[] = ['Host', url.host];
  for (const header of headers) {
    const lower = header.name.toLowerCase();
    if (REPLAY_MANAGED_HEADERS.has(lower)) continue;
    if (lower === 'content-encoding' && bodyDecoded && edit.headers === undefined) continue;
    rawHeaders.push(header.name, header.value);
  }
  // RFC 9110 §8.6: a request with content says how long it is; a bodiless GET sends no length.
  if (body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'].includes(method))
    rawHeaders.push('Content-Length', String(body.length));
  return { method, url, rawHeaders, body };
}
