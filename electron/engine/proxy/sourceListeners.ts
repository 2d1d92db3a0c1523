import net from 'node:net';
import { isSourceKind } from '../../../shared/source.js';
import { isProcessAlive } from '../system/processAlive.js';

export interface SourceListener {
  /** `chromium#1`: the label every exchange arriving here carries. */
  source: string;
  host: string;
  port: number;
  /** The process this listener serves (a browser, a shell): it is closed once that process is gone. */
  ownerPid?: number;
}

export interface SourceListenersOptions {
  /** Where sockets accepted for a source go (the current proxy server). */
  accept(socket: net.Socket, source: string): void;
  /** Loopback address the listeners bind to (the main listener's family when it is loopback). */
  host: string;
  /** How often owners are checked for being alive. */
  ownerCheckIntervalMs?: number;
}

interface OpenListener extends SourceListener {
  server: net.Server;
  sockets: Set<net.Socket>;
}

/**
 * Per-source attribution by port (DESIGN.md, Interception): each client NetLens launches (a
 * browser, a terminal) gets a proxy port of its own on loopback, so everything it sends is
 * labelled with where it came from without asking the client for anything — browsers never send
 * proxy credentials unasked. Labels are `kind#N`, N counting up for the whole run.
 */
export class SourceListeners {
  private readonly open = new Map<string, OpenListener>();
  private counter = 0;
  private ownerTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SourceListenersOptions) {}

  /** The next label of a kind (`terminal` → `terminal#3`), for a client that names itself by credentials. */
  nextLabel(kind: string): string {
    if (!isSourceKind(kind))
      throw new SourceError(`"${kind}" is not a source kind (letters, digits and dashes).`);
    this.counter += 1;
    return `${kind}#${this.counter}`;
  }

  /** Opens a loopback port for a new source of `kind`; resolves once it listens. */
  async add(kind: string, options: { ownerPid?: number; label?: string } = {}): Promise<SourceListener> {
    const source = options.label ?? this.nextLabel(kind);
    const server = net.createServer({ pauseOnConnect: false });
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      this.options.accept(socket, source);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.host, port: 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as net.AddressInfo).port;
    const listener: OpenListener = { source, host: this.options.host, port, server, sockets };
    if (options.ownerPid !== undefined) listener.ownerPid = options.ownerPid;
    this.open.set(source, listener);
    if (options.ownerPid !== undefined) this.watchOwners();
    return describe(listener);
  }

  list(): SourceListener[] {
    return [...this.open.values()].map(describe);
  }

  get(source: string): SourceListener | undefined {
    const listener = this.open.get(source);
    return listener ? describe(listener) : undefined;
  }

  /** Stops listening for a source and ends its connections. False when there is no such source. */
  async remove(source: string): Promise<boolean> {
    const listener = this.open.get(source);
    if (!listener) return false;
    this.open.delete(source);
    for (const socket of listener.sockets) socket.destroy();
    await new Promise<void>((resolve) => listener.server.close(() => resolve()));
    return true;
  }

  async closeAll(): Promise<void> {
    if (this.ownerTimer) clearInterval(this.ownerTimer);
    this.ownerTimer = undefined;
    await Promise.all([...this.open.keys()].map((source) => this.remove(source)));
  }

  private watchOwners(): void {
    if (this.ownerTimer) return;
    this.ownerTimer = setInterval(() => {
      for (const listener of this.open.values()) {
        if (listener.ownerPid !== undefined && !isProcessAlive(listener.ownerPid))
          void this.remove(listener.source);
      }
      if (![...this.open.values()].some((l) => l.ownerPid !== undefined)) {
        clearInterval(this.ownerTimer);
        this.ownerTimer = undefined;
      }
    }, this.options.ownerCheckIntervalMs ?? 2000);
    this.ownerTimer.unref();
  }
}

export class SourceError extends Error {
  readonly code = 'bad_source';
}

function describe(listener: OpenListener): SourceListener {
  const { source, host, port, ownerPid } = listener;
  return ownerPid === undefined ? { source, host, port } : { source, host, port, ownerPid };
}
