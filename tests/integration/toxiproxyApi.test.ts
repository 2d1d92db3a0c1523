/**
 * The toxiproxy-compatible API driven by a real toxiproxy client library (toxiproxy-node-client)
 * and by plain HTTP for the exact error bodies, with real TCP traffic through the proxies it makes.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';
import type { Exchange } from '@shared/model.js';
import { curl, startProxy, type TestProxy } from './proxyHarness.js';

/** A TCP echo server; `big` answers a 100 kB blob to the line "big\n". */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (chunk.toString() === 'big\n') socket.write(Buffer.alloc(100_000, 'b'));
      else socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Talk {
  data: Buffer;
  ending: 'end' | 'reset' | 'timeout';
  firstByteMs?: number;
  durationMs: number;
}

/** Connects to `port`, writes `message`, reads until the peer closes (or `untilMs`). */
function talk(port: number, message: string, untilMs = 5000, expectBytes?: number): Promise<Talk> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let received = 0;
    let firstByteMs: number | undefined;
    let ending: Talk['ending'] = 'end';
    const timer = setTimeout(() => {
      ending = 'timeout';
      socket.destroy();
    }, untilMs);
    socket.on('connect', () => socket.write(message));
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started;
      chunks.push(chunk);
      received += chunk.length;
      if (expectBytes !== undefined && received >= expectBytes) socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') ending = 'reset';
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        data: Buffer.concat(chunks),
        ending,
        ...(firstByteMs !== undefined ? { firstByteMs } : {}),
        durationMs: performance.now() - started,
      });
    });
  });
}

describe('toxiproxy-compatible API', () => {
  let proxy: TestProxy;
  let echo: { port: number; close(): Promise<void> };
  let api: string;
  let client: Toxiproxy;

  beforeAll(async () => {
    echo = await echoServer();
    proxy = await startProxy({}, { toxiproxyApi: { host: '127.0.0.1', port: 0 } });
    const address = proxy.engine.tcpProxies.apiAddress()!;
    api = `http://127.0.0.1:${address.port}`;
    client = new Toxiproxy(api);
  });

  afterAll(async () => {
    await proxy.close();
    await echo.close();
  });

  beforeEach(async () => {
    await client.reset();
    for (const existing of Object.values(await client.getAll())) await existing.remove();
  });

  const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));

  it('answers /version and lists proxies as toxiproxy does', async () => {
    expect(await client.getVersion()).toMatch(/^\{"version": "2\.\d+\.\d+"\}\n?$|^2\.\d+\.\d+/);
    const created = await client.createProxy({
      name: 'echo',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    expect(created.name).toBe('echo');
    expect(portOf(created.listen)).toBeGreaterThan(0);
    const all = await client.getAll();
    expect(Object.keys(all)).toEqual(['echo']);
    const got = await client.get('echo');
    expect(got.upstream).toBe(`127.0.0.1:${echo.port}`);
    expect(got.enabled).toBe(true);
  });

  it('moves bytes both ways and records the connection in the session', async () => {
    const created = await client.createProxy({
      name: 'plain',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const result = await talk(portOf(created.listen), 'hello', 5000, 5);
    expect(result.data.toString()).toBe('hello');
    const exchange: Exchange = await proxy.finished((x) => x.tunnel?.proxyName === 'plain');
    expect(exchange.kind).toBe('tunnel');
    expect(exchange.tunnel).toMatchObject({ reason: 'tcp_proxy', bytesFromClient: 5, bytesFromServer: 5 });
    expect(exchange.tunnel?.closeReason).toBeDefined();
  });

  it('latency toxic: the reply comes the asked time later, and the record names the toxic', async () => {
    const created = await client.createProxy({
      name: 'slow',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const toxic = await created.addToxic({
      name: 'lag',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 300, jitter: 0 },
    } as ICreateToxicBody<unknown>);
    expect(toxic.toJson()).toMatchObject({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1 });
    const result = await talk(portOf(created.listen), 'ping', 5000, 4);
    expect(result.data.toString()).toBe('ping');
    expect(result.firstByteMs).toBeGreaterThanOrEqual(290);
    const exchange = await proxy.finished((x) => x.tunnel?.proxyName === 'slow');
    expect(exchange.rule?.actions.join(' ')).toMatch(/latency/);
  });

  it('reset_peer toxic: the client sees a TCP reset', async () => {
    const created = await client.createProxy({
      name: 'rst',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await created.addToxic({
      name: 'rst',
      type: 'reset_peer',
      attributes: { timeout: 0 },
    } as ICreateToxicBody<unknown>);
    const result = await talk(portOf(created.listen), 'x');
    expect(result.ending).toBe('reset');
    const exchange = await proxy.finished((x) => x.tunnel?.proxyName === 'rst');
    expect(exchange.error?.class).toBe('injected_fault');
  });

  it('timeout toxic: nothing gets through, then the connection closes after the timeout', async () => {
    const created = await client.createProxy({
      name: 'hole',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await created.addToxic({
      name: 'hole',
      type: 'timeout',
      attributes: { timeout: 300 },
    } as ICreateToxicBody<unknown>);
    const result = await talk(portOf(created.listen), 'x', 5000);
    expect(result.data.length).toBe(0);
    expect(result.ending).not.toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('limit_data toxic: the connection closes after N bytes', async () => {
    const created = await client.createProxy({
      name: 'limit',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await created.addToxic({
      name: 'cap',
      type: 'limit_data',
      attributes: { bytes: 1000 },
    } as ICreateToxicBody<unknown>);
    const result = await talk(portOf(created.listen), 'big\n');
    expect(result.data.length).toBe(1000);
    expect(result.ending).not.toBe('timeout');
  });

  it('bandwidth toxic: 100 kB at 200 KB/s takes about half a second', async () => {
    const created = await client.createProxy({
      name: 'thin',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await created.addToxic({
      name: 'thin',
      type: 'bandwidth',
      attributes: { rate: 200 },
    } as ICreateToxicBody<unknown>);
    const result = await talk(portOf(created.listen), 'big\n', 10_000, 100_000);
    expect(result.data.length).toBe(100_000);
    expect(result.durationMs).toBeGreaterThanOrEqual(400);
  });

  it('slicer toxic: the data arrives whole, in small pieces', async () => {
    const created = await client.createProxy({
      name: 'slices',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await created.addToxic({
      name: 'slices',
      type: 'slicer',
      attributes: { average_size: 10, size_variation: 2, delay: 1000 },
    } as ICreateToxicBody<unknown>);
    const result = await talk(portOf(created.listen), 'a'.repeat(100), 5000, 100);
    expect(result.data.toString()).toBe('a'.repeat(100));
  });

  it('slow_close toxic: the close comes the asked time after the data', async () => {
    const created = await client.createProxy({
      name: 'lingering',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    await created.addToxic({
      name: 'slow',
      type: 'slow_close',
      attributes: { delay: 300 },
    } as ICreateToxicBody<unknown>);
    const started = performance.now();
    const socket = net.connect(portOf(created.listen), '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.on('error', () => undefined);
    socket.resume();
    // Upstream closes when the client half-closes; the toxic holds that close.
    socket.end('bye');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('toxics CRUD: update, get, remove; reset removes every toxic', async () => {
    const created = await client.createProxy({
      name: 'crud',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const toxic = await created.addToxic({
      name: 'lag',
      type: 'latency',
      attributes: { latency: 100, jitter: 0 },
    } as ICreateToxicBody<unknown>);
    const updated = await toxic.update({ attributes: { latency: 50, jitter: 5 } } as never);
    expect(updated.attributes).toEqual({ latency: 50, jitter: 5 });
    expect((await created.getToxic('lag')).attributes).toEqual({ latency: 50, jitter: 5 });
    expect(proxy.engine.tcpProxies.list()[0]!.toxics).toHaveLength(1);
    const toxicsOf = async (): Promise<unknown[]> =>
      ((await (await fetch(`${api}/proxies/crud`)).json()) as { toxics: unknown[] }).toxics;
    expect(await toxicsOf()).toHaveLength(1);
    await client.reset();
    expect(await toxicsOf()).toEqual([]);
    await created.addToxic({
      name: 'gone',
      type: 'latency',
      attributes: { latency: 1, jitter: 0 },
    } as ICreateToxicBody<unknown>);
    await (await created.getToxic('gone')).remove();
    expect(await toxicsOf()).toEqual([]);
  });

  it('disabling a proxy closes its port; enabling opens it again', async () => {
    const created = await client.createProxy({
      name: 'toggle',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${echo.port}`,
    });
    const port = portOf(created.listen);
    await created.update({ enabled: false, listen: created.listen, upstream: created.upstream } as never);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await created.update({ enabled: true, listen: created.listen, upstream: created.upstream } as never);
    expect((await talk(port, 'again', 5000, 5)).data.toString()).toBe('again');
  });

  it('populate creates several proxies at once', async () => {
    const made = await client.populate([
      { name: 'p1', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
      { name: 'p2', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
    ]);
    expect(Object.keys(made).sort()).toEqual(['p1', 'p2']);
  });

  it("errors: the client library sees toxiproxy's status codes, plain HTTP its bodies", async () => {
    await expect(client.get('nope')).rejects.toThrow(/404/);
    await client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    await expect(
      client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }),
    ).rejects.toThrow(/409/);

    const notFound = await fetch(`${api}/proxies/nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: 'proxy not found', status: 404 });

    const duplicate = await fetch(`${api}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }),
    });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toEqual({ error: 'proxy already exists', status: 409 });

    const badType = await fetch(`${api}/proxies/dup/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'explode', attributes: {} }),
    });
    expect(badType.status).toBe(400);
    expect(await badType.json()).toEqual({ error: 'invalid toxic type', status: 400 });

    const badStream = await fetch(`${api}/proxies/dup/toxics`, {
      method: 'POST',
      body: JSON.stringify({ type: 'latency', stream: 'sideways', attributes: { latency: 1 } }),
    });
    expect(badStream.status).toBe(400);
    expect(((await badStream.json()) as { error: string }).error).toMatch(/stream was invalid/);

    const missing = await fetch(`${api}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe('missing required field: upstream');

    const notJson = await curl(['-s', '-X', 'POST', '--data', '{nope', `${api}/proxies`]);
    expect(JSON.parse(notJson.stdout)).toMatchObject({ status: 400 });
    expect(JSON.parse(notJson.stdout).error).toMatch(/^bad request body/);
  });

  it('a listen port already in use is a 500 naming it, and nothing else changes', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const response = await fetch(`${api}/proxies`, {
        method: 'POST',
        body: JSON.stringify({
          name: 'clash',
          listen: `127.0.0.1:${taken}`,
          upstream: `127.0.0.1:${echo.port}`,
        }),
      });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: string }).error).toMatch(
        new RegExp(`${taken}.*address already in use`),
      );
      expect(Object.keys(await client.getAll())).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('refuses requests from browsers (as toxiproxy does)', async () => {
    const result = await curl([
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-A',
      'Mozilla/5.0',
      `${api}/proxies`,
    ]);
    expect(result.stdout).toBe('403');
  });
});
