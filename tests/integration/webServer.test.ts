/**
 * Web mode over real sockets on 127.0.0.1: static files behind the token, the WebSocket
 * behind token + Origin, API calls round-tripping, events arriving in batches.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '@engine/web/webServer.js';
import { createApiDispatcher } from '@engine/api/apiHandlers.js';
import { cookieName } from '@engine/web/webAuth.js';
import { createFakeEngine, type FakeEngine } from '@fixtures/fakeEngine.js';
import { makeExchange } from '@fixtures/exchangeFactory.js';
import type { EngineEvent } from '@shared/api.js';

let root: string;
let staticDir: string;
let engine: FakeEngine;
let server: WebServer;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw GET (no URL normalisation, unlike fetch) so traversal attempts reach the server as sent. */
function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: server.port, path: pathAndQuery, method: 'GET', headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function wsUrl(token = server.token): string {
  return `ws://127.0.0.1:${server.port}/api?token=${token}`;
}

/** Opens a socket; resolves with it, or rejects with the HTTP status of a refused upgrade. */
function connect(url: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`status ${response.statusCode}`));
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

interface Inbox {
  next(predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  all: Record<string, unknown>[];
}

function inbox(socket: WebSocket): Inbox {
  const all: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    all.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  return {
    all,
    next: (predicate) => {
      const found = all.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching message within 5 s')), 5000);
        waiters.push({
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'netlens-web-'));
  staticDir = path.join(root, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>NetLens</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'secret.txt'), 'do not serve');
  engine = createFakeEngine([makeExchange()]);
  server = await startWebServer({
    dispatch: createApiDispatcher(engine, undefined, { onUnexpectedError: () => undefined }),
    subscribe: (listener) => engine.on(listener),
    staticDir,
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('web mode HTTP', () => {
  it('listens on 127.0.0.1 and prints a token URL', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.uiUrl).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without the token', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
  });

  it('serves the page with the token, with strict headers and the session cookie', async () => {
    const response = await get(`/?token=${server.token}`);
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>NetLens</title>');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toContain(`${cookieName(server.port)}=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('serves assets to the cookie, with their MIME type', async () => {
    const response = await get('/assets/app.js', { cookie: `${cookieName(server.port)}=${server.token}` });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.body).toBe('console.log(1)');
    expect(
      (await get('/assets/missing.js', { cookie: `${cookieName(server.port)}=${server.token}` })).status,
    ).toBe(404);
  });

  it('refuses directory traversal', async () => {
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await get(`${attempt}?token=${server.token}`);
      expect(response.status, attempt).toBe(400);
      expect(response.body).not.toContain('do not serve');
    }
  });

  it('refuses other methods and foreign Host headers', async () => {
    const post = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: server.port, path: `/?token=${server.token}`, method: 'POST' },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(post).toBe(405);
    expect((await get(`/?token=${server.token}`, { host: `rebound.example:${server.port}` })).status).toBe(
      403,
    );
  });
});

describe('web mode WebSocket', () => {
  const origin = () => `http://127.0.0.1:${server.port}`;

  it('refuses a bad Origin (403) and a bad token (401)', async () => {
    await expect(connect(wsUrl(), 'http://evil.example')).rejects.toThrow('status 403');
    await expect(connect(wsUrl(), undefined)).rejects.toThrow('status 403');
    await expect(connect(wsUrl('wrong'), origin())).rejects.toThrow('status 401');
    await expect(connect(`ws://127.0.0.1:${server.port}/api`, origin())).rejects.toThrow('status 401');
  });

  it('round-trips a call, answers malformed messages, and stays up', async () => {
    const socket = await connect(wsUrl(), origin());
    const box = inbox(socket);
    socket.send(JSON.stringify({ id: 1, channel: 'app:info', args: [] }));
    const reply = await box.next((m) => m.id === 1);
    expect(reply).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { mode: 'web' } } });

    socket.send('this is not json');
    expect(await box.next((m) => m.id === null)).toMatchObject({
      result: { ok: false, error: { code: 'bad_request' } },
    });
    socket.send(JSON.stringify({ id: 2, channel: 'no:such', args: [] }));
    expect(await box.next((m) => m.id === 2)).toMatchObject({
      result: { ok: false, error: { code: 'bad_argument' } },
    });
    socket.send(JSON.stringify({ id: 3, channel: 'capture:set', args: ['nope'] }));
    expect(await box.next((m) => m.id === 3)).toMatchObject({
      result: { ok: false, error: { code: 'bad_argument' } },
    });
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ id: 4, channel: 'exchanges:list', args: [] }));
    const list = await box.next((m) => m.id === 4);
    expect((list.result as { value: unknown[] }).value).toHaveLength(1);
    socket.close();
  });

  it('pushes events in batches, not one message per event', async () => {
    const socket = await connect(wsUrl(), origin());
    const box = inbox(socket);
    // A round trip first, so the socket is registered before the burst.
    socket.send(JSON.stringify({ id: 1, channel: 'app:info', args: [] }));
    await box.next((m) => m.id === 1);
    const burst: EngineEvent[] = [];
    for (let i = 0; i < 300; i += 1) burst.push({ type: 'exchange:finished', exchange: makeExchange() });
    for (const event of burst) engine.emit(event);
    const first = await box.next((m) => m.type === 'events');
    const eventMessages = () => box.all.filter((m) => m.type === 'events');
    // All 300 fit one batch (N = 500): one message carries them all, in order.
    expect((first.events as EngineEvent[]).length).toBe(300);
    expect((first.events as { exchange: { id: string } }[]).map((e) => e.exchange.id)).toEqual(
      burst.map((e) => (e as { exchange: { id: string } }).exchange.id),
    );
    expect(eventMessages()).toHaveLength(1);
    socket.close();
  });

  describe('back-pressure', () => {
    // Small enough that a paused page falls behind quickly, far smaller than the list reply.
    const MAX_BUFFERED_BYTES = 256 * 1024;
    let big: FakeEngine;
    let slow: WebServer;

    beforeAll(async () => {
      const exchanges = Array.from({ length: 20_000 }, () =>
        makeExchange({ url: `http://127.0.0.1:9/${'x'.repeat(400)}` }),
      );
      big = createFakeEngine(exchanges);
      slow = await startWebServer({
        dispatch: createApiDispatcher(big),
        subscribe: (listener) => big.on(listener),
        staticDir,
        maxBufferedBytes: MAX_BUFFERED_BYTES,
      });
    });
    afterAll(() => slow?.close());

    const open = () =>
      connect(`ws://127.0.0.1:${slow.port}/api?token=${slow.token}`, `http://127.0.0.1:${slow.port}`);

    it('a large reply the page asked for does not count as falling behind', async () => {
      const socket = await open();
      const box = inbox(socket);
      const closes: number[] = [];
      socket.on('close', (code) => closes.push(code));
      socket.send(JSON.stringify({ id: 1, channel: 'app:info', args: [] }));
      await box.next((m) => m.id === 1);
      // The page stops reading while a list of ~10 MB is on its way: the server's queue fills.
      socket.pause();
      socket.send(JSON.stringify({ id: 2, channel: 'exchanges:list', args: [] }));
      await expect
        .poll(() => big.calls.filter((c) => c.method === 'exchanges.list').length, { timeout: 5000 })
        .toBe(1);
      big.emit({ type: 'notice', level: 'info', message: 'after the list' });
      await expect.poll(() => slow.clientCount, { timeout: 5000 }).toBe(1);
      // Give the batch its ~50 ms to be flushed behind the reply, then read everything.
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.resume();
      const list = await box.next((m) => m.id === 2);
      expect((list.result as { value: unknown[] }).value).toHaveLength(20_000);
      const events = await box.next((m) => m.type === 'events');
      expect(events.events).toEqual([{ type: 'notice', level: 'info', message: 'after the list' }]);
      expect(closes).toEqual([]);
      socket.close();
    });

    it('a page that stops reading events is disconnected with 1013', async () => {
      const socket = await open();
      const box = inbox(socket);
      socket.send(JSON.stringify({ id: 1, channel: 'app:info', args: [] }));
      await box.next((m) => m.id === 1);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      socket.pause();
      // 100 batches of 500 exchanges (~25 MB in all): more than the loopback socket's buffers
      // hold, so the events queue up in the server behind a page that reads nothing.
      for (let batch = 0; batch < 100; batch += 1) {
        for (let i = 0; i < 500; i += 1)
          big.emit({
            type: 'exchange:finished',
            exchange: makeExchange({ url: `http://127.0.0.1:9/${'y'.repeat(400)}` }),
          });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      socket.resume();
      expect(await closed).toEqual({ code: 1013, reason: 'Too far behind; reconnect and reload.' });
    });
  });

  it('closes connected pages when the server closes', async () => {
    const other = await startWebServer({
      dispatch: createApiDispatcher(engine),
      subscribe: (listener) => engine.on(listener),
      staticDir,
    });
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`ws://127.0.0.1:${other.port}/api?token=${other.token}`, {
        origin: `http://127.0.0.1:${other.port}`,
      });
      s.once('open', () => resolve(s));
      s.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const listenersBefore = engine.listenerCount;
    await other.close();
    expect(await closed).toBe(1001);
    expect(engine.listenerCount).toBe(listenersBefore - 1);
  });
});
