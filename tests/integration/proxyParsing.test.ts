/**
 * Proxy parsing under hostile or unusual clients and servers (issue 11 item 10): each case is one
 * truthful record and a client that is answered or closed, never a connection held forever.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import { curl, httpOrigin, rawOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';

/** Writes to the proxy on a raw socket and collects what comes back until the proxy closes. */
function rawSocket(proxy: TestProxy): {
  socket: net.Socket;
  closed: Promise<{ text: string; error?: string }>;
} {
  const socket = net.connect(proxy.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const closed = new Promise<{ text: string; error?: string }>((resolve) =>
    socket.on('close', () =>
      resolve({ text: Buffer.concat(chunks).toString('latin1'), ...(error ? { error } : {}) }),
    ),
  );
  return { socket, closed };
}

function startedFor(proxy: TestProxy, url: string): boolean {
  return proxy.events.some((e) => e.type === 'exchange:started' && e.exchange.request.url === url);
}

/** Every finished exchange so far, once the engine has stored what it was handed. */
async function recorded(proxy: TestProxy, predicate: (e: Exchange) => boolean): Promise<Exchange[]> {
  await proxy.engine.idle();
  return proxy.events
    .filter((e) => e.type === 'exchange:finished')
    .map((e) => (e as { exchange: Exchange }).exchange)
    .filter(predicate);
}

describe('proxy parsing: hostile and unusual clients', () => {
  let proxy: TestProxy;
  let origin: Origin;
  const originSaw: string[] = [];

  beforeAll(async () => {
    proxy = await startProxy({ clientHeadersTimeoutMs: 1000, bodyIdleTimeoutMs: 5000 });
    origin = await httpOrigin((req, res) => {
      originSaw.push(req.url ?? '');
      req.resume();
      req.on('end', () => setTimeout(() => res.end(`done ${req.url}`), 50));
    });
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
  });

  it('closes 100 clients trickling header lines at the header deadline, even ones that never read', async () => {
    // A slowloris does not read what it is sent: the proxy's answer and FIN alone close nothing.
    const tricklers = Array.from(
      { length: 100 },
      (_, index) =>
        new Promise<void>((resolve) => {
          const socket = net.connect(proxy.port, '127.0.0.1');
          let line = 0;
          const timer = setInterval(() => {
            // Each line would reset an idle timer: only a total deadline stops them.
            if (socket.writable && line < 200) socket.write(`X-Trickle-${index}-${line++}: v\r\n`);
          }, 100);
          socket.on('error', () => undefined);
          socket.once('connect', () => socket.write(`GET ${origin.url}/trickle HTTP/1.1\r\nHost: x\r\n`));
          socket.once('close', () => {
            clearInterval(timer);
            resolve();
          });
          setTimeout(() => socket.destroy(), 20_000).unref();
        }),
    );
    const deadline = new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 15_000).unref());
    const outcome = await Promise.race([Promise.all(tricklers), deadline]);
    expect(outcome, 'some trickling connections were still open after 15 s').not.toBe('held');
    expect(originSaw).not.toContain('/trickle');
  }, 30_000);

  it('records one malformed chunked request as one protocol_error, answered 400', async () => {
    const url = `${origin.url}/bad-chunk`;
    const unknownBefore = (await recorded(proxy, (e) => e.request.method === 'UNKNOWN')).length;
    const { socket, closed } = rawSocket(proxy);
    socket.write(
      `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`,
    );
    // The exchange is under way when the bad chunk comes.
    for (let turn = 0; turn < 500 && !startedFor(proxy, url); turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    socket.write('ZZZ-not-a-size\r\n\r\n');
    const { text } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text.toLowerCase()).toContain('x-netlens-error: protocol_error');
    const records = await recorded(proxy, (e) => e.request.url === url);
    expect(records.map((e) => [e.error?.class, e.error?.phase])).toEqual([['protocol_error', 'request']]);
    expect((await recorded(proxy, (e) => e.request.method === 'UNKNOWN')).length).toBe(unknownBefore);
  });

  it('records an upload the client abandons as one client_aborted, with no phantom UNKNOWN 400', async () => {
    const url = `${origin.url}/abandoned-upload`;
    const unknownBefore = (await recorded(proxy, (e) => e.request.method === 'UNKNOWN')).length;
    const { socket, closed } = rawSocket(proxy);
    socket.write(`POST ${url} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nContent-Length: 100000\r\n\r\n`);
    socket.write('x'.repeat(1000));
    const aborted = proxy.finished((e) => e.request.url === url);
    // The exchange is under way (its request head read) before the client gives up.
    for (let turn = 0; turn < 500 && !startedFor(proxy, url); turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    socket.end();
    await closed;
    expect((await aborted).error).toMatchObject({ class: 'client_aborted', phase: 'request' });
    const records = await recorded(proxy, (e) => e.request.url === url);
    expect(records).toHaveLength(1);
    expect(records[0]!.request.body.sizeBytes).toBe(1000);
    expect((await recorded(proxy, (e) => e.request.method === 'UNKNOWN')).length).toBe(unknownBefore);
  });

  it('answers a client that half-closes after a complete request', async () => {
    const url = `${origin.url}/half-close`;
    const { socket, closed } = rawSocket(proxy);
    socket.write(`GET ${url} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\n\r\n`);
    // FIN right after the request: the origin answers 50 ms later.
    socket.end();
    const { text } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.endsWith('done /half-close')).toBe(true);
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.state).toBe('complete');
  });

  for (const [name, head] of [
    ['no Host field', (url: string) => `GET ${url} HTTP/1.1\r\nAccept: */*\r\n\r\n`],
    ['two Host fields', (url: string) => `GET ${url} HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n`],
  ] as const) {
    it(`refuses an HTTP/1.1 request with ${name} (RFC 9112 §3.2): 400, protocol_error in request`, async () => {
      const url = `${origin.url}/host-${name.replace(/ /g, '-')}`;
      const { socket, closed } = rawSocket(proxy);
      socket.write(head(url));
      const exchange = await proxy.finished((e) => e.request.url === url);
      socket.end();
      const { text } = await closed;
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(text).toContain('RFC 9112');
      expect(exchange.error).toMatchObject({ class: 'protocol_error', phase: 'request' });
      expect(originSaw).not.toContain(new URL(url).pathname);
    });
  }

  it('still forwards an HTTP/1.0 request without Host (HTTP/1.0 had none)', async () => {
    const url = `${origin.url}/http10`;
    const { socket, closed } = rawSocket(proxy);
    socket.write(`GET ${url} HTTP/1.0\r\n\r\n`);
    const { text } = await closed;
    expect(text).toMatch(/^HTTP\/1\.[01] 200 /);
  });
});

describe('proxy parsing: a malformed upstream body and a silent tunnel', () => {
  let proxy: TestProxy;
  const origins: Origin[] = [];

  beforeAll(async () => {
    proxy = await startProxy({ tunnelIdleTimeoutMs: 500 });
  });

  afterAll(async () => {
    await Promise.all(origins.map((o) => o.close()));
    await proxy.close();
  });

  it('mirrors a malformed chunk after a 200 head as a broken response, not an empty reply', async () => {
    const origin = await rawOrigin((socket) =>
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
            '5\r\nhello\r\nZZZ-not-a-size\r\n\r\n',
        ),
      ),
    );
    origins.push(origin);
    const url = `${origin.url}/bad-upstream-chunk`;
    const result = await curl(['-sS', '-i', '-x', proxy.url, url]);
    // The client sees the status and the bytes that came, then the response breaking off
    // (curl: 18, transfer closed with outstanding read data remaining) — not "Empty reply" (52).
    expect(result.stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(result.stdout.endsWith('hello')).toBe(true);
    expect(result.code).toBe(18);
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.state).toBe('failed');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.body.sizeBytes).toBe(5);
    expect(exchange.error).toMatchObject({ class: 'protocol_error', phase: 'receive' });
  });

  it('closes a CONNECT tunnel whose client says nothing, after the tunnel idle timeout', async () => {
    // A server that waits for the client to speak first, as most do.
    const silent = await rawOrigin(() => undefined);
    origins.push(silent);
    const { socket, closed } = rawSocket(proxy);
    socket.write(`CONNECT 127.0.0.1:${silent.port} HTTP/1.1\r\nHost: 127.0.0.1:${silent.port}\r\n\r\n`);
    const deadline = new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 15_000).unref());
    const outcome = await Promise.race([closed, deadline]);
    expect(outcome, 'the silent tunnel was still open after 15 s').not.toBe('held');
    expect((outcome as { text: string }).text).toMatch(/^HTTP\/1\.1 200 /);
    const exchange = await proxy.finished(
      (e) => e.kind === 'tunnel' && e.request.url.includes(`:${silent.port}`),
    );
    expect(exchange.state).toBe('complete');
    expect(exchange.tunnel).toMatchObject({ bytesFromClient: 0, bytesFromServer: 0 });
  }, 30_000);
});
