/**
 * HTTP/2 error codes (RFC 9113 §7) as NetLens names and explains them: RST_STREAM and GOAWAY
 * carry one, and a failure caused by either keeps it in its `detail` (`RST_STREAM REFUSED_STREAM
 * (0x7) from the server`), from which the failure's message says what it means and what to check.
 */
import type { Http2ErrorCode } from './model.js';

interface Http2CodeFacts {
  name: string;
  /** What the code says happened, in a few words. */
  meaning: string;
  /** What to check, as the end of a failure message. */
  check: string;
}

export const HTTP2_ERROR_CODES: readonly Http2CodeFacts[] = [
  {
    name: 'NO_ERROR',
    meaning: 'a graceful close, no error',
    check:
      'The sender closed on purpose (a restart, an idle connection): the client should retry on a new connection.',
  },
  {
    name: 'PROTOCOL_ERROR',
    meaning: 'the peer broke the HTTP/2 protocol',
    check:
      'Check the HTTP/2 implementation of the side that received it: malformed headers (upper-case names, invalid pseudo-headers, connection-specific fields) are the usual cause.',
  },
  {
    name: 'INTERNAL_ERROR',
    meaning: 'the sender hit an internal error',
    check: "Check the sender's logs: it failed while handling the stream.",
  },
  {
    name: 'FLOW_CONTROL_ERROR',
    meaning: 'the peer broke flow control',
    check: 'One side sent more data than the window allowed: check both HTTP/2 implementations.',
  },
  {
    name: 'SETTINGS_TIMEOUT',
    meaning: 'SETTINGS were not acknowledged in time',
    check: 'The peer did not acknowledge SETTINGS: is it stalled or overloaded?',
  },
  {
    name: 'STREAM_CLOSED',
    meaning: 'a frame arrived for a stream already closed',
    check: 'A frame came after its stream ended: usually a race between a reset and data in flight.',
  },
  {
    name: 'FRAME_SIZE_ERROR',
    meaning: 'a frame had an invalid size',
    check: "A frame was larger than the receiver's SETTINGS_MAX_FRAME_SIZE or malformed: check the sender.",
  },
  {
    name: 'REFUSED_STREAM',
    meaning: 'the server refused the stream before processing it',
    check:
      'Nothing was processed, so the request is safe to retry; the server may be over its concurrent-stream limit or shutting down.',
  },
  {
    name: 'CANCEL',
    meaning: 'the stream was cancelled',
    check:
      'The sender no longer wanted the stream (a client that gave up, a server that cancelled the work): check its timeouts.',
  },
  {
    name: 'COMPRESSION_ERROR',
    meaning: 'the header compression context broke (HPACK)',
    check: "The header block could not be decoded: check the sender's HPACK encoder.",
  },
  {
    name: 'CONNECT_ERROR',
    meaning: 'the tunnel of a CONNECT request failed',
    check: 'The connection behind a CONNECT request was reset or closed.',
  },
  {
    name: 'ENHANCE_YOUR_CALM',
    meaning: 'the sender thinks its peer is abusive (too many streams, resets or frames)',
    check:
      'The peer opened or reset streams faster than allowed (a rapid-reset pattern, or a client with too many requests in flight): slow it down.',
  },
  {
    name: 'INADEQUATE_SECURITY',
    meaning: 'the TLS connection does not meet HTTP/2 requirements',
    check: 'HTTP/2 needs TLS 1.2 or later with a strong cipher (RFC 9113 §9.2): check the TLS configuration.',
  },
  {
    name: 'HTTP_1_1_REQUIRED',
    meaning: 'the server wants this request over HTTP/1.1',
    check:
      'The server asks for HTTP/1.1 for this request (often for client certificates): retry it over HTTP/1.1.',
  },
];

/** `CANCEL` for 8; `0x1f` for a code the RFC does not name (RFC 9113 §7: unknown codes are INTERNAL_ERROR-like). */
export function http2ErrorName(code: number): string {
  return HTTP2_ERROR_CODES[code]?.name ?? `0x${code.toString(16)}`;
}

export function http2ErrorCode(code: number): Http2ErrorCode {
  return { code, name: http2ErrorName(code) };
}

/** The numeric code of a name (`REFUSED_STREAM` → 7), or undefined. */
export function http2CodeOfName(name: string): number | undefined {
  const index = HTTP2_ERROR_CODES.findIndex((facts) => facts.name === name);
  return index === -1 ? undefined : index;
}

/** `RST_STREAM REFUSED_STREAM (0x7) from the server`: the `detail` of a failure an HTTP/2 frame caused. */
export function http2FrameDetail(
  frame: 'RST_STREAM' | 'GOAWAY',
  code: number,
  from: 'client' | 'server' | 'netlens',
  debug?: string,
): string {
  const by = from === 'netlens' ? 'sent by NetLens' : `from the ${from}`;
  return `${frame} ${http2ErrorName(code)} (0x${code.toString(16)}) ${by}${debug ? `: ${debug}` : ''}`;
}

/** The frame and code of a detail written by http2FrameDetail, or undefined. */
export function parseHttp2Detail(
  detail: string | undefined,
): { frame: 'RST_STREAM' | 'GOAWAY'; name: string; facts?: Http2CodeFacts; from: string } | undefined {
  if (!detail) return undefined;
  const match =
    /^(RST_STREAM|GOAWAY) ([A-Z0-9_]+|0x[0-9a-f]+) \(0x[0-9a-f]+\) (from the client|from the server|sent by NetLens)/.exec(
      detail,
    );
  if (!match) return undefined;
  const facts = HTTP2_ERROR_CODES.find((f) => f.name === match[2]);
  return {
    frame: match[1] as 'RST_STREAM' | 'GOAWAY',
    name: match[2]!,
    ...(facts ? { facts } : {}),
    from: match[3]!,
  };
}

/**
 * The sentence of a failure whose detail names an HTTP/2 frame: what the frame said, and what to
 * check. Undefined for other details (the class's own message applies).
 */
export function http2FailureSentence(detail: string | undefined): { what: string; fix: string } | undefined {
  const parsed = parseHttp2Detail(detail);
  if (!parsed) return undefined;
  const whose = parsed.frame === 'RST_STREAM' ? 'the stream' : 'the connection';
  const meaning = parsed.facts ? `: ${parsed.facts.meaning}` : '';
  return {
    what: `${parsed.from.replace(/^from the /, 'the ').replace(/^sent by NetLens/, 'NetLens')} ended ${whose} with ${parsed.frame} ${parsed.name}${meaning}`,
    fix: parsed.facts?.check ?? 'The code is not one RFC 9113 names: check the sender.',
  };
}
