import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import type { ErrorClass, FailurePhase } from '../../../shared/errors.js';
import type { CertificateSummary, TlsInfo } from '../../../shared/model.js';
import type { LastHead } from './hopByHop.js';
import { poolKey } from './poolKey.js';
import { timeoutClass } from '../analysis/diagnose.js';

/** What NetLens knows about one upstream connection; shared by every exchange it carries. */
export interface UpstreamConnection {
  id: string;
  tls: boolean;
  host: string;
  port: number;
  createdMs: number;
  lookupEndMs?: number;
  connectEndMs?: number;
  secureEndMs?: number;
  /** Where the connection is in its set-up; `ready` once it can carry requests. */
  phase: 'dns' | 'connect' | 'tls' | 'ready';
  serverIp?: string;
  serverPort?: number;
  tlsInfo?: TlsInfo;
  /** Set when NetLens itself gave up on the set-up (a timeout). */
  failure?: { errorClass: ErrorClass; phase: FailurePhase; timeoutMs: number };
  /** Exchanges carried so far. */
  requests: number;
  /** The server reset the connection (ECONNRESET), as opposed to closing it cleanly. */
  sawReset: boolean;
  /** The server closed its side (FIN). */
  sawEnd: boolean;
  /** The last response head recorded on this connection (see toHeaderList). */
  lastHead?: LastHead;
}

const connections = new WeakMap<object, UpstreamConnection>();

export function connectionOf(socket: object | null | undefined): UpstreamConnection | undefined {
  return socket ? connections.get(socket) : undefined;
}

export interface UpstreamAgentOptions {
  connectTimeoutMs: () => number;
  /** How long an idle upstream connection is kept for reuse. */
  idleTimeoutMs?: number;
}

let connectionCounter = 0;

/** Connection ids are unique within the process and short enough to read in a table. */
function nextConnectionId(): string {
  connectionCounter += 1;
  return `c${connectionCounter}`;
}

export class ConnectTimeoutError extends Error {
  readonly code = 'NETLENS_CONNECT_TIMEOUT';
  constructor(
    readonly phase: FailurePhase,
    readonly timeoutMs: number,
  ) {
    super(`${phase} did not complete within ${timeoutMs} ms`);
  }
}

/**
 * Watches a new upstream socket's set-up events on the monotonic clock (lookup, connect,
 * secureConnect) and enforces the connect timeout, DNS included; the TLS handshake gets a budget
 * of its own of the same length.
 */
export function instrumentSocket(
  socket: net.Socket,
  target: { host: string; port: number; tls: boolean; verify: boolean; servername?: string },
  connectTimeoutMs: number,
  createdMs: number = performance.now(),
): UpstreamConnection {
  const conn: UpstreamConnection = {
    id: nextConnectionId(),
    tls: target.tls,
    host: target.host,
    port: target.port,
    createdMs,
    phase: net.isIP(target.host) ? 'connect' : 'dns',
    requests: 0,
    sawReset: false,
    sawEnd: false,
  };
  connections.set(socket, conn);
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    if (connectTimeoutMs <= 0) return;
    timer = setTimeout(() => {
      const phase = conn.phase === 'ready' ? 'connect' : conn.phase;
      conn.failure = { errorClass: timeoutClass(phase), phase, timeoutMs: connectTimeoutMs };
      socket.destroy(new ConnectTimeoutError(phase, connectTimeoutMs));
    }, connectTimeoutMs);
    timer.unref();
  };
  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  arm();
  socket.once('lookup', (error: Error | null) => {
    // A failed lookup is reported as the socket's error; the time stays in the dns phase.
    if (error) return;
    conn.lookupEndMs = performance.now();
    if (conn.phase === 'dns') conn.phase = 'connect';
  });
  socket.once('connect', () => {
    conn.connectEndMs = performance.now();
    conn.serverIp = socket.remoteAddress;
    conn.serverPort = socket.remotePort;
    if (target.tls) {
      conn.phase = 'tls';
      arm();
    } else {
      conn.phase = 'ready';
      disarm();
    }
  });
  if (target.tls) {
    socket.once('secureConnect', () => {
      conn.secureEndMs = performance.now();
      conn.phase = 'ready';
      disarm();
      conn.tlsInfo = describeTls(socket as tls.TLSSocket, target);
    });
  }
  socket.once('close', disarm);
  // Watched once per connection (not per exchange): tells a reset from a clean close mid-body.
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET') conn.sawReset = true;
  });
  socket.once('end', () => {
    conn.sawEnd = true;
  });
  return conn;
}

export function describeTls(
  socket: tls.TLSSocket,
  target: { verify: boolean; servername?: string },
): TlsInfo {
  const info: TlsInfo = {};
  const protocol = socket.getProtocol?.();
  if (protocol) info.protocol = protocol;
  const cipher = socket.getCipher?.();
  if (cipher?.name) info.cipher = cipher.name;
  if (typeof socket.alpnProtocol === 'string' && socket.alpnProtocol) info.alpn = socket.alpnProtocol;
  if (target.servername) info.servername = target.servername;
  if (!target.verify) info.verificationDisabled = true;
  const certificate = summarizeCertificate(socket.getPeerCertificate?.());
  if (certificate) info.certificate = certificate;
  return info;
}

export function summarizeCertificate(cert: tls.PeerCertificate | undefined): CertificateSummary | undefined {
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const name = (entity: tls.Certificate | undefined): string =>
    entity
      ? Object.entries(entity)
          .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
          .join(', ')
      : '';
  const summary: CertificateSummary = {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    subjectAltNames: cert.subjectaltname ? cert.subjectaltname.split(/,\s*/).filter((s) => s !== '') : [],
    validFromMs: Date.parse(cert.valid_from),
    validToMs: Date.parse(cert.valid_to),
  };
  if (cert.fingerprint256) summary.fingerprint256 = cert.fingerprint256;
  if (cert.serialNumber) summary.serialNumber = cert.serialNumber;
  return summary;
}

type ConnectOptions = http.ClientRequestArgs & { servername?: string; rejectUnauthorized?: boolean };

function targetOf(options: ConnectOptions, tlsOn: boolean) {
  const host = String(options.hostname ?? options.host ?? 'localhost');
  const port = Number(options.port ?? (tlsOn ? 443 : 80));
  const target: { host: string; port: number; tls: boolean; verify: boolean; servername?: string } = {
    host,
    port,
    tls: tlsOn,
    verify: options.rejectUnauthorized !== false,
  };
  if (tlsOn && options.servername) target.servername = options.servername;
  return target;
}

/** One pool policy for both upstream agents: keep-alive, unbounded sockets, idle sockets closed. */
function pooledAgentOptions(timing: UpstreamAgentOptions): http.AgentOptions {
  return {
    keepAlive: true,
    maxSockets: Infinity,
    maxFreeSockets: 256,
    timeout: timing.idleTimeoutMs ?? 30_000,
  };
}

/** Plain-HTTP upstream pool whose sockets are timed and given connection ids. */
export class TimedHttpAgent extends http.Agent {
  constructor(private readonly timing: UpstreamAgentOptions) {
    super(pooledAgentOptions(timing));
  }

  override getName(options?: http.ClientRequestArgs): string {
    return poolKey(options ?? {}, 'http:');
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const createdMs = performance.now();
    const socket = super.createConnection(options, callback) as net.Socket;
    instrumentSocket(socket, targetOf(options, false), this.timing.connectTimeoutMs(), createdMs);
    return socket;
  }
}

/** TLS upstream pool: same, plus the handshake timing and the TLS summary. */
export class TimedHttpsAgent extends https.Agent {
  constructor(private readonly timing: UpstreamAgentOptions) {
    super(pooledAgentOptions(timing));
  }

  override getName(options?: https.RequestOptions): string {
    return poolKey((options ?? {}) as ConnectOptions, 'https:');
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    // Taken before tls.connect: setting up the TLS context is part of connecting, not waiting.
    const createdMs = performance.now();
    const socket = super.createConnection(options, callback) as net.Socket;
    instrumentSocket(
      socket,
      targetOf(options as ConnectOptions, true),
      this.timing.connectTimeoutMs(),
      createdMs,
    );
    return socket;
  }
}

export interface UpstreamAgents {
  http: TimedHttpAgent;
  https: TimedHttpsAgent;
  destroy(): void;
}

export function createUpstreamAgents(options: UpstreamAgentOptions): UpstreamAgents {
  const httpAgent = new TimedHttpAgent(options);
  const httpsAgent = new TimedHttpsAgent(options);
  return {
    http: httpAgent,
    https: httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
