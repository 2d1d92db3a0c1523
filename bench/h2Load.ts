/**
 * The HTTP/2 side of the benchmark's load client: Node's own http2 client (its cost is the same
 * for every target), through the route — CONNECT, then TLS offering `h2` alone inside the
 * tunnel, so a proxy that cannot speak HTTP/2 to its client fails the run instead of
 * downgrading it quietly.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { hostPort } from '../shared/address.js';
import { percentileOfSorted } from '../shared/percentile.js';
import {
  connectThrough,
  once,
  type ClientTls,
  type LoadResult,
  type Origin,
  type Route,
  type TransferResult,
} from './loadClient.js';

/** An HTTP/2 session to the origin (TLS), through the route. */
export async function openH2Session(
  origin: Origin,
  route: Route,
  clientTls: ClientTls,
): Promise<http2.ClientHttp2Session> {
  const authority = hostPort(origin.host, origin.port);
  const socket = await connectThrough(origin, route, true);
  const secure = tls.connect({
    socket,
    host: origin.host,
    ca: clientTls.ca,
    ...(net.isIP(origin.host) === 0 ? { servername: origin.host } : {}),
    ALPNProtocols: ['h2'],
  });
  await once(secure, 'secureConnect');
  if (secure.alpnProtocol !== 'h2') {
    secure.destroy();
    throw new Error(`the TLS server chose ${String(secure.alpnProtocol)} instead of h2`);
  }
  const session = http2.connect(`https://${authority}`, { createConnection: () => secure });
  session.on('error', (error) => {
    if (process.env.NETLENS_BENCH_DEBUG) console.error(`h2 session error: ${error.message}`);
  });
  if (process.env.NETLENS_BENCH_DEBUG) {
    session.on('goaway', (code, last) => console.error(`h2 session GOAWAY ${code} last ${last}`));
    session.on('frameError', (type, code, id) =>
      console.error(`h2 frameError type ${type} code ${code} stream ${id}`),
    );
  }
  return session;
}

/** One GET on a session; resolves with its status and body size. */
function get(
  session: http2.ClientHttp2Session,
  origin: Origin,
  path: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'GET',
      ':path': path,
      ':authority': hostPort(origin.host, origin.port),
      'user-agent': 'netlens-bench',
    });
    let status = 0;
    let bytes = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'] ?? 0)));
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => resolve({ status, bytes }));
    stream.on('error', reject);
    // Closed without its end (a reset, the session gone): a failure, never a hang.
    stream.on('close', () =>
      reject(
        new Error(`stream closed before its end (code ${stream.rstCode}, status ${status}, ${bytes} bytes)`),
      ),
    );
    if (process.env.NETLENS_BENCH_DEBUG)
      stream.on('error', (error) =>
        console.error(`h2 stream error after status ${status}, ${bytes} bytes: ${error.message}`),
      );
    stream.end();
  });
}

export interface H2LoadOptions {
  origin: Origin;
  route: Route;
  clientTls: ClientTls;
  path: string;
  /** HTTP/2 connections... */
  sessions: number;
  /** ...each with this many requests in flight at a time (one per stream). */
  streamsPerSession: number;
  warmupMs: number;
  durationMs: number;
}

/** Small requests multiplexed on a few sessions, for warm-up then `durationMs`. */
export async function runH2Load(options: H2LoadOptions): Promise<LoadResult> {
  const sessions = await Promise.all(
    Array.from({ length: options.sessions }, () =>
      openH2Session(options.origin, options.route, options.clientTls),
    ),
  );
  const latencies: number[] = [];
  let errors = 0;
  let allRequests = 0;
  const startNs = process.hrtime.bigint();
  const measureFromNs = startNs + BigInt(options.warmupMs) * 1_000_000n;
  const endNs = measureFromNs + BigInt(options.durationMs) * 1_000_000n;
  const lane = async (session: http2.ClientHttp2Session): Promise<void> => {
    // Bounded: a session that keeps failing stops its lane after 100 errors.
    let laneErrors = 0;
    while (process.hrtime.bigint() < endNs && laneErrors < 100 && !session.destroyed) {
      const sentAt = process.hrtime.bigint();
      try {
        const { status } = await get(session, options.origin, options.path);
        const now = process.hrtime.bigint();
        allRequests += 1;
        if (status !== 200) {
          errors += 1;
          laneErrors += 1;
        } else if (sentAt >= measureFromNs && now <= endNs) latencies.push(Number(now - sentAt) / 1e6);
      } catch (error) {
        errors += 1;
        laneErrors += 1;
        if (process.env.NETLENS_BENCH_DEBUG)
          console.error(
            `h2 lane at ${Number(process.hrtime.bigint() - startNs) / 1e6} ms: ${(error as Error).message}`,
          );
      }
    }
  };
  await Promise.all(
    sessions.flatMap((session) => Array.from({ length: options.streamsPerSession }, () => lane(session))),
  );
  for (const session of sessions) session.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const total = latencies.reduce((sum, value) => sum + value, 0);
  return {
    requests: latencies.length,
    allRequests,
    errors,
    requestsPerSecond: latencies.length / (options.durationMs / 1000),
    p50Ms: percentileOfSorted(sorted, 50) ?? NaN,
    p99Ms: percentileOfSorted(sorted, 99) ?? NaN,
    meanMs: latencies.length > 0 ? total / latencies.length : NaN,
  };
}

/** One `bytes`-long download on a fresh session; times request → last byte. */
export async function runH2Download(
  origin: Origin,
  route: Route,
  clientTls: ClientTls,
  bytes: number,
): Promise<TransferResult> {
  const session = await openH2Session(origin, route, clientTls);
  try {
    const startNs = process.hrtime.bigint();
    const { status, bytes: moved } = await get(session, origin, `/large?bytes=${bytes}`);
    if (status !== 200) throw new Error(`h2 download: status ${status}`);
    if (moved !== bytes) throw new Error(`h2 download: ${moved} of ${bytes} bytes arrived`);
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
    return { bytes: moved, seconds, megabytesPerSecond: moved / 1e6 / seconds };
  } finally {
    session.destroy();
  }
}
