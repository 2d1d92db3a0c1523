/**
 * One TCP proxy of the toxiproxy-compatible API: it listens, and for each client opens a
 * connection to its upstream and links the two, one ToxicLink per direction. Each connection is
 * recorded in the session as an exchange of kind `tunnel` with reason `tcp_proxy`: bytes each
 * way, duration, how it ended, the toxics that acted on it (as `_netlens.rule`), and an
 * `injected_fault` when a toxic ended it (docs/toxiproxy.md).
 */
import net from 'node:net';
import { hostPort } from '../../../shared/address.js';
import type { Settings } from '../../../shared/settings.js';
import type { TcpProxyInfo, ToxicJson } from '../../../shared/toxiproxy.js';
import { diagnose, failure } from '../analysis/diagnose.js';
import type { ExchangeSink } from '../proxy/exchangeSink.js';
import { ExchangeRecorder } from '../proxy/exchangeRecorder.js';
import { resetSocket } from '../proxy/socketReset.js';
import { instrumentSocket } from '../proxy/upstreamAgent.js';
import { ToxicLink, type LinkEnd } from './toxicLink.js';
import { splitHostPort } from './toxicSpec.js';

export interface TcpProxyDeps {
  sink: ExchangeSink;
  settings(): Settings;
  random: () => number;
}

/** An error from listening, worded as Go's net package words it (toxiproxy's 500 message). */
export class ListenFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenFailure';
  }
}

const GO_ERRNO: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EACCES: 'bind: permission denied',
  EADDRNOTAVAIL: 'bind: cannot assign requested address',
  ENOTFOUND: 'no such host',
};

interface Connection {
  client: net.Socket;
  upstream: net.Socket;
  links: { upstream: ToxicLink; downstream: ToxicLink };
}

export class TcpProxy {
  listen: string;
  upstream: string;
  enabled = false;
  toxics: ToxicJson[] = [];
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly deps: TcpProxyDeps,
  ) {
    this.listen = listen;
    this.upstream = upstream;
  }

  info(): TcpProxyInfo {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.map((t) => ({ ...t, attributes: { ...t.attributes } })),
    };
  }

  /** Starts listening; rejects with toxiproxy's wording when the address cannot be had. */
  async start(): Promise<void> {
    if (this.enabled) return;
    const address = splitHostPort(this.listen);
    if (!address)
      throw new ListenFailure(`listen tcp ${this.listen}: address ${this.listen}: missing port in address`);
    // Half-open both ways: a client that half-closes still gets the rest of the answer.
    const server = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why = GO_ERRNO[error.code ?? ''] ?? error.message;
        reject(new ListenFailure(`listen tcp ${this.listen}: ${why}`));
      });
      server.listen({ host: address.host === '' ? undefined : address.host, port: address.port }, () =>
        resolve(),
      );
    });
    server.on('error', () => undefined);
    const bound = server.address() as net.AddressInfo;
    // As toxiproxy does: the listen field shows the port actually taken (port 0 asked for one).
    this.listen = hostPort(address.host === '' ? bound.address : address.host, bound.port);
    this.server = server;
    this.enabled = true;
  }

  /** Stops listening and ends every connection (toxiproxy: disabling a proxy takes it down). */
  async stop(reason = 'proxy disabled'): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.enabled = false;
    for (const connection of this.connections) this.endConnection(connection, { kind: 'close', reason });
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The toxics changed: every live connection takes them on at once. */
  setToxics(toxics: ToxicJson[]): void {
    this.toxics = toxics;
    for (const connection of this.connections) this.applyToxics(connection);
  }

  private applyToxics(connection: Connection): void {
    connection.links.upstream.setToxics(this.toxics.filter((t) => t.stream === 'upstream'));
    connection.links.downstream.setToxics(this.toxics.filter((t) => t.stream === 'downstream'));
  }

  private endConnection(connection: Connection, how: LinkEnd): void {
    const { client, upstream } = connection;
    if (how.kind === 'reset') {
      resetSocket(client);
      resetSocket(upstream);
    } else {
      client.end();
      upstream.end();
      // A peer that never closes its side must not hold the sockets.
      const timer = setTimeout(() => {
        client.destroy();
        upstream.destroy();
      }, 1000);
      timer.unref();
    }
    (connection as Connection & { ended?: LinkEnd }).ended ??= how;
  }

  private accept(client: net.Socket): void {
    const target = splitHostPort(this.upstream)!;
    const host = target.host === '' ? '127.0.0.1' : target.host;
    const recorder = new ExchangeRecorder(this.deps.sink, {
      kind: 'tunnel',
      method: 'TCP',
      url: `tcp://${hostPort(host, target.port)}`,
      httpVersion: 'TCP',
      headers: [],
      clientAddress: client.remoteAddress,
      clientPort: client.remotePort,
      captureRequestBody: false,
      source: `toxiproxy`,
    });
    const info = {
      reason: 'tcp_proxy' as const,
      bytesFromClient: 0,
      bytesFromServer: 0,
      proxyName: this.name,
      listen: this.listen,
    };
    recorder.patch((exchange) => {
      exchange.tunnel = { ...info };
    });
    client.pause();
    client.setNoDelay(true);
    const upstream = net.connect({ host, port: target.port, allowHalfOpen: true });
    upstream.setNoDelay(true);
    const conn = instrumentSocket(
      upstream,
      { host, port: target.port, tls: false, verify: true },
      this.deps.settings().connectTimeoutMs,
    );
    recorder.attachConnection(conn, false);
    const context = (phase: 'connect' | 'dns' | 'receive', detail?: string) => ({
      host,
      port: target.port,
      phase,
      elapsedMs: recorder.elapsedMs(),
      ...(detail !== undefined ? { detail } : {}),
    });
    let connected = false;
    let closeReason: string | undefined;
    let clientReset = false;
    let upstreamReset = false;
    const connection: Connection & { ended?: LinkEnd } = {
      client,
      upstream,
      links: {
        upstream: new ToxicLink(
          client,
          upstream,
          this.deps.random,
          (how) => this.endConnection(connection, how),
          (bytes) => (info.bytesFromClient += bytes),
        ),
        downstream: new ToxicLink(
          upstream,
          client,
          this.deps.random,
          (how) => this.endConnection(connection, how),
          (bytes) => (info.bytesFromServer += bytes),
        ),
      },
    };
    // Nothing reads before the upstream connects: the client's bytes wait in its socket.
    client.pause();
    upstream.pause();
    this.connections.add(connection);

    const finish = (): void => {
      if (recorder.settled) return;
      this.connections.delete(connection);
      connection.links.upstream.stop();
      connection.links.downstream.stop();
      const applied = [...connection.links.upstream.applied, ...connection.links.downstream.applied];
      const ended = connection.ended;
      const reason =
        ended?.reason ??
        closeReason ??
        (upstreamReset ? 'upstream reset' : clientReset ? 'client reset' : 'closed');
      recorder.patch((exchange) => {
        exchange.tunnel = { ...info, closeReason: reason };
        if (applied.length > 0)
          exchange.rule = {
            ruleId: `toxiproxy:${this.name}`,
            ruleName: `TCP proxy ${this.name}`,
            actions: applied,
          };
      });
      recorder.syncConnection(conn);
      if (ended?.injected) {
        recorder.fail(
          failure('injected_fault', {
            ...context('receive', ended.injected),
            ruleName: `TCP proxy ${this.name}: ${ended.reason}`,
          }),
        );
      } else if (upstreamReset) {
        recorder.fail(failure('connection_reset', context('receive', 'reset during the connection')));
      } else recorder.complete();
    };

    upstream.once('connect', () => {
      connected = true;
      recorder.syncConnection(conn);
      recorder.markSent();
      recorder.responseHead(200, 'Connected', 'TCP', []);
      this.applyToxics(connection);
      client.resume();
      upstream.resume();
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) {
        if (recorder.settled) return;
        // toxiproxy closes the client when it cannot reach the upstream.
        recorder.fail(diagnose(error, context(conn.phase === 'dns' ? 'dns' : 'connect')));
        this.connections.delete(connection);
        client.destroy();
        return;
      }
      if (error.code === 'ECONNRESET') {
        upstreamReset = true;
        resetSocket(client);
      } else client.destroy();
    });
    client.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') {
        clientReset = true;
        resetSocket(upstream);
      } else upstream.destroy();
    });
    // A side that ended with a FIN has its end passed on by its link (after what the link still
    // holds, and after a slow_close): only a side that vanished without one is ended here.
    let clientSentFin = false;
    let upstreamSentFin = false;
    client.on('end', () => {
      clientSentFin = true;
      closeReason ??= 'client closed';
    });
    upstream.on('end', () => {
      upstreamSentFin = true;
      closeReason ??= 'upstream closed';
    });
    const maybeFinish = (): void => {
      if (!connected) {
        if (client.destroyed && !recorder.settled) {
          this.connections.delete(connection);
          upstream.destroy();
          recorder.fail(failure('client_aborted', context('connect')));
        }
        return;
      }
      if (client.destroyed && upstream.destroyed) finish();
      else if (client.destroyed && !clientSentFin) upstream.end();
      else if (upstream.destroyed && !upstreamSentFin) client.end();
    };
    client.on('close', maybeFinish);
    upstream.on('close', maybeFinish);
  }
}
