import type net from 'node:net';
import type { NetlensError } from '../../../shared/errors.js';
import { failure } from '../analysis/diagnose.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { closeAfterAnswer } from './socketClose.js';

/** What NetLens answers to a request it could not parse, by llhttp error code. */
export function clientErrorResponse(code: string | undefined): { status: number; text: string } | undefined {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, text: 'Request Header Fields Too Large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { status: 408, text: 'Request Timeout' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_DESTROYED':
    case 'HPE_INVALID_EOF_STATE': // the client closed in the middle of a message: nobody to answer
      return undefined;
    default:
      return { status: 400, text: 'Bad Request' };
  }
}

/** The request line, as far as it can be read from the bytes the parser rejected. */
export function parseRequestLine(
  raw: Buffer | undefined,
): { method: string; target: string; version: string } | undefined {
  if (!raw || raw.length === 0) return undefined;
  const line = raw.subarray(0, Math.min(raw.length, 8192)).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  const match = /^([A-Za-z-]{1,20}) (\S{1,8000}) (HTTP\/\d\.\d)$/.exec(line);
  if (!match) return undefined;
  return { method: match[1]!, target: match[2]!, version: match[3]! };
}

/**
 * A client sent something the HTTP parser refused (malformed line or header, head too large,
 * too slow): answer with the status and the reason, record it as a `protocol_error` in phase
 * `request`, and close only that connection.
 */
export function handleClientError(
  error: Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number },
  socket: net.Socket,
  deps: Pick<ForwarderDeps, 'sink' | 'strings'>,
  proxyAuthority: string,
  source?: string,
): void {
  const answer = clientErrorResponse(error.code);
  if (!answer) {
    socket.destroy();
    return;
  }
  const tooLarge = answer.status === 431;
  const timedOut = answer.status === 408;
  const reason = tooLarge
    ? 'the request head is larger than the limit (maxHeaderBytes)'
    : timedOut
      ? 'the client did not send a complete request head in time (clientHeadersTimeoutMs)'
      : `malformed request: ${(error as { reason?: string }).reason ?? error.message}`;
  const line = parseRequestLine(error.rawPacket);
  if (!timedOut || line) {
    const url = !line
      ? `http://${proxyAuthority}/`
      : /^[a-z]+:\/\//i.test(line.target)
        ? line.target
        : `http://${proxyAuthority}${line.target.startsWith('/') ? '' : '/'}${line.target}`;
    const recorder = new ExchangeRecorder(
      deps.sink,
      {
        kind: 'http',
        method: line?.method ?? 'UNKNOWN',
        url,
        httpVersion: line?.version ?? 'HTTP/1.1',
        headers: [],
        clientAddress: socket.remoteAddress,
        clientPort: socket.remotePort,
        captureRequestBody: false,
        source,
      },
      deps.strings,
    );
    let host = proxyAuthority;
    try {
      host = new URL(url).host;
    } catch {
      // keep the proxy's own authority
    }
    const base = failure('protocol_error', {
      host,
      port: 0,
      phase: 'request',
      elapsedMs: recorder.elapsedMs(),
      detail: error.code ?? 'parse_error',
    });
    const netlensError: NetlensError = {
      ...base,
      message: `The client sent a request NetLens could not accept: ${reason}. NetLens answered ${answer.status} ${answer.text}.`,
    };
    if (error.code) netlensError.code = error.code;
    recorder.fail(netlensError);
  }
  const body = `${answer.status} ${answer.text}: ${reason}\n`;
  closeAfterAnswer(
    socket,
    `HTTP/1.1 ${answer.status} ${answer.text}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nx-netlens-error: protocol_error\r\nConnection: close\r\n\r\n${body}`,
  );
}
