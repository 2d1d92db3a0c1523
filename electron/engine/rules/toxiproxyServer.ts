/**
 * toxiproxy's HTTP API (v2) over NetLens's own TCP proxies (`netlens proxy|web --toxiproxy-api
 * [HOST:]PORT`, docs/toxiproxy.md): the same paths, methods, JSON shapes, status codes and error
 * messages as toxiproxy 2.x, so its client libraries and CLI drive NetLens unchanged. Like
 * toxiproxy it refuses requests from browsers (a page must not be able to open proxies on the
 * user's machine), and it listens on loopback unless told otherwise.
 */
import http from 'node:http';
import type net from 'node:net';
import { hostPort } from '../../../shared/address.js';
import type { Settings } from '../../../shared/settings.js';
import type { TcpProxyInfo } from '../../../shared/toxiproxy.js';
import type { ExchangeSink } from '../proxy/exchangeSink.js';
import { TcpProxy } from './tcpProxy.js';
import {
  API_ERRORS,
  ToxiproxyApiError,
  parseBody,
  proxyFields,
  splitHostPort,
  toxicFromBody,
  updatedToxic,
  type ProxyFields,
} from './toxicSpec.js';

/** The toxiproxy release whose API this follows (`GET /version`). */
export const TOXIPROXY_API_VERSION = '2.12.0';

/** Largest request body the API reads (a populate of many proxies fits easily). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ToxiproxyServerOptions {
  host: string;
  port: number;
  sink: ExchangeSink;
  settings(): Settings;
  random?: () => number;
  onChange?(proxies: TcpProxyInfo[]): void;
}

class ApiResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export class ToxiproxyServer {
  private readonly proxies = new Map<string, TcpProxy>();
  private readonly server: http.Server;
  private listening: { host: string; port: number } | undefined;
  /** One change at a time: toxiproxy holds a lock per collection. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ToxiproxyServerOptions) {
    this.server = http.createServer((req, res) => this.serve(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  list(): TcpProxyInfo[] {
    return [...this.proxies.values()].map((proxy) => proxy.info());
  }

  address(): { host: string; port: number } | undefined {
    return this.listening;
  }

  listen(): Promise<void> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) => {
        const where = hostPort(host, port);
        reject(
          Object.assign(
            new Error(
              error.code === 'EADDRINUSE'
                ? `Cannot serve the toxiproxy API on ${where}: the port is already in use (is toxiproxy itself running?). Choose another with --toxiproxy-api.`
                : `Cannot serve the toxiproxy API on ${where}: ${error.message}`,
            ),
            { code: error.code },
          ),
        );
      });
      this.server.listen({ host, port }, () => {
        const address = this.server.address() as net.AddressInfo;
        this.listening = { host, port: address.port };
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.stop('NetLens stopped');
    this.proxies.clear();
    if (this.server.listening) {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
    }
  }

  private changed(): void {
    this.options.onChange?.(this.list());
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    // toxiproxy refuses browsers: a web page could otherwise drive the API on loopback.
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/') || req.headers.origin !== undefined) {
      const body = 'User agent not allowed\n';
      res.writeHead(403, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(body);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const run = this.chain.then(() => this.route(req.method ?? 'GET', req.url ?? '/', text));
      this.chain = run.catch(() => undefined);
      run.then(
        (response) => this.write(res, response),
        (error: unknown) => this.writeError(res, error),
      );
    });
  }

  private write(res: http.ServerResponse, response: ApiResponse | string): void {
    if (typeof response === 'string') {
      // /version: toxiproxy writes it by hand, with a newline.
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
      res.end(response);
      return;
    }
    if (response.status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    const body = JSON.stringify(response.body);
    res.writeHead(response.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  /** toxiproxy's apiError: `{"error":...,"status":...}` through Go's http.Error (text/plain, newline). */
  private writeError(res: http.ServerResponse, error: unknown): void {
    const apiError =
      error instanceof ToxiproxyApiError
        ? error
        : new ToxiproxyApiError(error instanceof Error ? error.message : String(error), 500);
    const body = `${JSON.stringify({ error: apiError.message, status: apiError.status })}\n`;
    res.writeHead(apiError.status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  private async route(method: string, url: string, body: string): Promise<ApiResponse | string> {
    const path = url.split('?')[0]!.replace(/\/+$/, '') || '/';
    const parts = path.split('/').slice(1).map(decodeURIComponent);
    const notAllowed = (): ApiResponse => new ApiResponse(405, '');
    if (path === '/version') {
      if (method !== 'GET') return notAllowed();
      return `{"version": "${TOXIPROXY_API_VERSION}"}\n`;
    }
    if (path === '/reset') {
      if (method !== 'POST') return notAllowed();
      return this.reset();
    }
    if (path === '/populate') {
      if (method !== 'POST') return notAllowed();
      return this.populate(body);
    }
    if (parts[0] !== 'proxies') throw new ToxiproxyApiError('404 page not found', 404);
    if (parts.length === 1) {
      if (method === 'GET')
        return new ApiResponse(200, Object.fromEntries(this.list().map((p) => [p.name, p])));
      if (method === 'POST') return this.createProxy(body);
      return notAllowed();
    }
    const proxy = this.proxies.get(parts[1]!);
    if (parts.length === 2) {
      if (method === 'GET') return new ApiResponse(200, this.found(proxy).info());
      if (method === 'POST' || method === 'PATCH') return this.updateProxy(this.found(proxy), body);
      if (method === 'DELETE') {
        const found = this.found(proxy);
        await found.stop('proxy deleted');
        this.proxies.delete(found.name);
        this.changed();
        return new ApiResponse(204, undefined);
      }
      return notAllowed();
    }
    if (parts[2] !== 'toxics' || parts.length > 4) throw new ToxiproxyApiError('404 page not found', 404);
    const found = this.found(proxy);
    if (parts.length === 3) {
      if (method === 'GET') return new ApiResponse(200, found.info().toxics);
      if (method === 'POST') {
        const toxic = toxicFromBody(body);
        if (found.toxics.some((t) => t.name === toxic.name)) throw API_ERRORS.toxicAlreadyExists();
        found.setToxics([...found.toxics, toxic]);
        this.changed();
        return new ApiResponse(200, toxic);
      }
      return notAllowed();
    }
    const name = parts[3]!;
    const toxic = found.toxics.find((t) => t.name === name);
    if (method === 'GET') {
      if (!toxic) throw API_ERRORS.toxicNotFound();
      return new ApiResponse(200, toxic);
    }
    if (method === 'POST' || method === 'PATCH') {
      if (!toxic) throw API_ERRORS.toxicNotFound();
      const updated = updatedToxic(toxic, body);
      found.setToxics(found.toxics.map((t) => (t.name === name ? updated : t)));
      this.changed();
      return new ApiResponse(200, updated);
    }
    if (method === 'DELETE') {
      if (!toxic) throw API_ERRORS.toxicNotFound();
      found.setToxics(found.toxics.filter((t) => t.name !== name));
      this.changed();
      return new ApiResponse(204, undefined);
    }
    return notAllowed();
  }

  private found(proxy: TcpProxy | undefined): TcpProxy {
    if (!proxy) throw API_ERRORS.proxyNotFound();
    return proxy;
  }

  private checkUpstream(upstream: string): void {
    const address = splitHostPort(upstream);
    if (!address || address.port === 0)
      throw API_ERRORS.badRequestBody(`upstream "${upstream}" is not host:port (e.g. 127.0.0.1:6379)`);
  }

  private newProxy(fields: ProxyFields & { name: string; upstream: string }): TcpProxy {
    return new TcpProxy(fields.name, fields.listen || '127.0.0.1:0', fields.upstream, {
      sink: this.options.sink,
      settings: this.options.settings,
      random: this.options.random ?? Math.random,
    });
  }

  private async startProxy(proxy: TcpProxy): Promise<void> {
    try {
      await proxy.start();
    } catch (error) {
      // toxiproxy answers a listen failure 500, with Go's own words.
      throw new ToxiproxyApiError((error as Error).message, 500);
    }
  }

  private async createProxy(body: string): Promise<ApiResponse> {
    const fields = proxyFields(parseBody(body));
    if (!fields.name) throw API_ERRORS.missingField('name');
    if (!fields.upstream) throw API_ERRORS.missingField('upstream');
    this.checkUpstream(fields.upstream);
    if (this.proxies.has(fields.name)) throw API_ERRORS.proxyAlreadyExists();
    const proxy = this.newProxy({ ...fields, name: fields.name, upstream: fields.upstream });
    if (fields.enabled !== false) await this.startProxy(proxy);
    this.proxies.set(proxy.name, proxy);
    this.changed();
    return new ApiResponse(201, proxy.info());
  }

  private async updateProxy(proxy: TcpProxy, body: string): Promise<ApiResponse> {
    const fields = proxyFields(parseBody(body));
    const listen = fields.listen ?? proxy.listen;
    const upstream = fields.upstream ?? proxy.upstream;
    const enabled = fields.enabled ?? proxy.enabled;
    if (fields.upstream !== undefined) this.checkUpstream(upstream);
    // A changed address restarts the proxy (dropping its connections), as in toxiproxy.
    if (listen !== proxy.listen || upstream !== proxy.upstream) {
      const wasEnabled = proxy.enabled;
      await proxy.stop('proxy changed');
      const previous = { listen: proxy.listen, upstream: proxy.upstream };
      proxy.listen = listen;
      proxy.upstream = upstream;
      if (wasEnabled && enabled) {
        try {
          await this.startProxy(proxy);
        } catch (error) {
          // The new address could not be had: the proxy goes back to the old one.
          proxy.listen = previous.listen;
          proxy.upstream = previous.upstream;
          await proxy.start().catch(() => undefined);
          throw error;
        }
      }
    }
    if (enabled && !proxy.enabled) await this.startProxy(proxy);
    else if (!enabled && proxy.enabled) await proxy.stop();
    this.changed();
    return new ApiResponse(200, proxy.info());
  }

  private async reset(): Promise<ApiResponse> {
    for (const proxy of this.proxies.values()) {
      if (!proxy.enabled) await this.startProxy(proxy);
      proxy.setToxics([]);
    }
    this.changed();
    return new ApiResponse(204, undefined);
  }

  /** Creates or replaces a list of proxies (toxiproxy: PopulateJson); all are checked first. */
  private async populate(body: string): Promise<ApiResponse> {
    const value = parseBody(body);
    if (!Array.isArray(value)) {
      throw API_ERRORS.badRequestBody(
        `json: cannot unmarshal object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }`,
      );
    }
    const inputs = value.map((item) => proxyFields(item));
    try {
      inputs.forEach((input, i) => {
        if (!input.name) throw API_ERRORS.missingField(`name at proxy ${i + 1}`);
        if (!input.upstream) throw API_ERRORS.missingField(`upstream at proxy ${i + 1}`);
        this.checkUpstream(input.upstream);
      });
    } catch (error) {
      // Nothing was created: toxiproxy answers the error with no proxies at all.
      const apiError = error as ToxiproxyApiError;
      return new ApiResponse(apiError.status, {
        error: apiError.message,
        status: apiError.status,
        proxies: null,
      });
    }
    const done: TcpProxy[] = [];
    try {
      for (const input of inputs) {
        const existing = this.proxies.get(input.name!);
        const listen = input.listen || '127.0.0.1:0';
        if (
          existing &&
          existing.upstream === input.upstream &&
          (input.listen === undefined || sameListen(existing.listen, listen))
        ) {
          done.push(existing);
          continue;
        }
        if (existing) {
          await existing.stop('proxy replaced');
          this.proxies.delete(existing.name);
        }
        const proxy = this.newProxy({ ...input, name: input.name!, upstream: input.upstream! });
        if (input.enabled !== false) await this.startProxy(proxy);
        this.proxies.set(proxy.name, proxy);
        done.push(proxy);
      }
    } catch (error) {
      this.changed();
      const apiError = error instanceof ToxiproxyApiError ? error : new ToxiproxyApiError(String(error), 500);
      return new ApiResponse(apiError.status, {
        error: apiError.message,
        status: apiError.status,
        proxies: done.map((p) => p.info()),
      });
    }
    this.changed();
    return new ApiResponse(201, { proxies: done.map((p) => p.info()) });
  }
}

/** Two listen addresses name the same socket (a port of 0 matches whatever was taken). */
function sameListen(current: string, asked: string): boolean {
  const a = splitHostPort(current);
  const b = splitHostPort(asked);
  if (!a || !b) return current === asked;
  return a.host === b.host && (b.port === 0 || a.port === b.port);
}
