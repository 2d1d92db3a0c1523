/**
 * HTTP step for one hop: send a request over the connection the earlier layers opened, then
 * time the wait for the first byte (TTFB) and the download. Bounded twice: no response headers
 * within the phase timeout is response_timeout, and a body silent for that long (or taking
 * longer than the download cap) is body_timeout.
 */
import http from 'node:http';
import type net from 'node:net';
import type { Header } from '../../../shared/model.js';
import type { HttpHop } from '../../../shared/probe.js';
import type { NetlensError } from '../../../shared/errors.js';
import { probeErrorFrom, probeFailure } from './probeFailure.js';
import { monotonicMs, roundMs } from './probeClock.js';
import { VERSION } from './probeVersion.js';
import { urlHostPort } from '../../../shared/address.js';
import { formatDurationMs } from '../../../shared/format.js';

export interface HttpHopOptions {
  socket: net.Socket;
  url: URL;
  method: 'GET' | 'HEAD';
  timeoutMs: number;
  /** The whole download is bounded too, so a server that trickles forever cannot hold the probe. */
  maxDownloadMs?: number;
  /** Bytes are counted, not kept; past this the download stops (not an error). */
  maxBodyBytes?: number;
}

export interface HttpHopResult {
  /** Present once response headers arrived (even if the body then failed). */
  hop?: Omit<HttpHop, 'timings'>;
  sendMs: number;
  waitMs?: number;
  receiveMs?: number;
  error?: NetlensError;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export function httpHop(options: HttpHopOptions): Promise<HttpHopResult> {
  const { url } = options;
  const { host, port } = urlHostPort(url);
  const maxDownloadMs = options.maxDownloadMs ?? Math.max(options.timeoutMs * 10, 60_000);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return new Promise((resolve) => {
    const started = monotonicMs();
    let sentAt: number | undefined;
    let firstByteAt: number | undefined;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let downloadTimer: ReturnType<typeof setTimeout> | undefined;
    let hop: Omit<HttpHop, 'timings'> | undefined;
    let phase: 'send' | 'wait' | 'receive' = 'send';

    const phaseStart = () =>
      phase === 'receive' ? (firstByteAt ?? started) : phase === 'wait' ? (sentAt ?? started) : started;
    const ctx = (extra: { detail?: string } = {}) => ({
      host,
      port,
      phase,
      elapsedMs: roundMs(monotonicMs() - phaseStart()),
      timeoutMs: options.timeoutMs,
      ...extra,
    });
    const finish = (error?: NetlensError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(downloadTimer);
      const end = monotonicMs();
      const sendMs = roundMs((sentAt ?? end) - started);
      const result: HttpHopResult = { sendMs };
      if (sentAt !== undefined) result.waitMs = roundMs(Math.max(0, (firstByteAt ?? end) - sentAt));
      if (firstByteAt !== undefined) result.receiveMs = roundMs(end - firstByteAt);
      if (hop) {
        hop.ttfbMs = result.waitMs ?? 0;
        hop.downloadMs = result.receiveMs ?? 0;
        result.hop = hop;
      }
      if (error) result.error = error;
      request.destroy();
      options.socket.destroy();
      resolve(result);
    };
    const arm = (cls: 'response_timeout' | 'body_timeout') => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(probeFailure(cls, ctx())), options.timeoutMs);
    };

    const request = http.request({
      method: options.method,
      host,
      port,
      path: `${url.pathname}${url.search}`,
      setHost: false,
      headers: {
        // RFC 9110 §7.2: Host carries the authority as the URL has it (brackets, non-default port).
        Host: url.host,
        'User-Agent': `netlens-probe/${VERSION}`,
        Accept: '*/*',
        Connection: 'close',
      },
      createConnection: () => options.socket,
    });
    request.on('error', (error) => {
      finish(probeErrorFrom(error, ctx()));
    });
    request.on('finish', () => {
      sentAt = monotonicMs();
      // A server may answer before the request is fully written; then the wait is already over.
      if (firstByteAt !== undefined) return;
      phase = 'wait';
      arm('response_timeout');
    });
    arm('response_timeout');
    request.on('response', (response) => {
      firstByteAt = monotonicMs();
      phase = 'receive';
      hop = {
        url: url.href,
        method: options.method,
        status: response.statusCode ?? 0,
        statusText: response.statusMessage ?? '',
        httpVersion: `HTTP/${response.httpVersion}`,
        headers: headerList(response.rawHeaders),
        ttfbMs: 0,
        downloadMs: 0,
        sizeBytes: 0,
      };
      const location = response.headers.location;
      if (location) {
        try {
          hop.location = new URL(location, url).href;
        } catch {
          hop.location = location;
        }
      }
      arm('body_timeout');
      downloadTimer = setTimeout(
        () =>
          finish(
            probeFailure(
              'body_timeout',
              ctx({ detail: `download still running after ${formatDurationMs(maxDownloadMs)}` }),
            ),
          ),
        maxDownloadMs,
      );
      response.on('data', (chunk: Buffer) => {
        if (!hop) return;
        hop.sizeBytes += chunk.length;
        arm('body_timeout');
        if (hop.sizeBytes >= maxBodyBytes) {
          hop.bodyTruncated = true;
          finish();
        }
      });
      response.on('end', () => {
        if (response.complete) finish();
      });
      response.on('error', (error) => finish(probeErrorFrom(error, ctx())));
      response.on('close', () => {
        if (settled) return;
        // The connection closed before the body completed (RFC 9112 §8: a message with a declared
        // length that ends early is incomplete).
        if (!response.complete) {
          const declared = response.headers['content-length'];
          const detail = declared
            ? `${hop?.sizeBytes ?? 0} of ${declared} bytes`
            : `${hop?.sizeBytes ?? 0} bytes received`;
          finish(probeFailure(declared ? 'incomplete_response' : 'connection_reset', ctx({ detail })));
        } else {
          finish();
        }
      });
    });
    request.end();
  });
}

function headerList(raw: string[]): Header[] {
  const headers: Header[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push({ name: raw[i]!, value: raw[i + 1]! });
  return headers;
}
