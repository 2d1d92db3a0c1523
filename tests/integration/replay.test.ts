/**
 * Replay and edit-and-resend through the real proxy: the origin records what arrived, the store
 * links the new exchange to its original (both ways, and in the HAR).
 */
import type http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  httpOrigin,
  httpsOrigin,
  startProxy,
  viaProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';
import { makeTestPki } from '@fixtures/certificates.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

let origin: Origin & { server: http.Server };
let seen: Seen[] = [];
const proxies: TestProxy[] = [];

function record(req: http.IncomingMessage, res: http.ServerResponse, answer: string): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    seen.push({
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks).toString(),
    });
    res.end(answer);
  });
}

beforeAll(async () => {
  origin = await httpOrigin((req, res) => record(req, res, `hello ${req.url}`));
});
afterAll(async () => {
  await origin.close();
});
afterEach(async () => {
  seen = [];
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(...args: Parameters<typeof startProxy>): Promise<TestProxy> {
  const started = await startProxy(...args);
  proxies.push(started);
  return started;
}

describe('replay', () => {
  it('resends an exchange as recorded: same method, path, headers and body; linked to the original', async () => {
    const p = await proxy();
    await viaProxy(p, `${origin.url}/orders?x=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace': ['abc', 'def'] },
      body: '{"a":1}',
    });
    const original = await p.finished((e) => e.request.url.endsWith('/orders?x=1'));

    const result = await p.engine.replay({ id: original.id });
    expect(result.replayOf).toBe(original.id);
    const replayed = await p.finished((e) => e.id === result.id);
    expect(replayed.replayOf).toBe(original.id);
    expect(replayed.source).toBe('replay');
    expect(replayed.response?.status).toBe(200);
    expect(replayed.request.url).toBe(original.request.url);

    expect(seen).toHaveLength(2);
    const [first, second] = seen as [Seen, Seen];
    expect(second.method).toBe('POST');
    expect(second.url).toBe('/orders?x=1');
    expect(second.body).toBe('{"a":1}');
    expect(second.headers['content-type']).toBe('application/json');
    // Duplicates and their order survive.
    const traces = (s: Seen): string[] =>
      s.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1] === 'X-Trace');
    expect(traces(second)).toEqual(traces(first));
    expect(second.headers.host).toBe(first.headers.host);

    // The store's copy carries the link (the finished version, not only the first one).
    expect(p.engine.exchanges.get(result.id)?.replayOf).toBe(original.id);
    const har = await p.engine.exportHar();
    const entry = har.log.entries.find((e) => e._netlens?.id === result.id);
    expect(entry?._netlens?.replayOf).toBe(original.id);
    expect(entry?._netlens?.source).toBe('replay');
  });

  it('sends the edited method, URL, headers and body; Host and Content-Length follow the edit', async () => {
    const p = await proxy();
    const other = await httpOrigin((req, res) => record(req, res, 'other'));
    try {
      await viaProxy(p, `${origin.url}/v1/items`, { method: 'GET', headers: { 'X-Old': '1' } });
      const original = await p.finished((e) => e.request.url.endsWith('/v1/items'));
      const result = await p.engine.replay({
        id: original.id,
        edit: {
          method: 'PUT',
          url: `${other.url}/v2/items/7?dry=1`,
          headers: [
            { name: 'X-New', value: 'yes' },
            { name: 'Content-Type', value: 'text/plain' },
            { name: 'Content-Length', value: '999' },
          ],
          body: 'héllo',
        },
      });
      const replayed = await p.finished((e) => e.id === result.id);
      expect(replayed.response?.status).toBe(200);
      expect(replayed.request.method).toBe('PUT');
      const last = seen.at(-1)!;
      expect(last.method).toBe('PUT');
      expect(last.url).toBe('/v2/items/7?dry=1');
      expect(last.body).toBe('héllo');
      expect(last.headers['x-new']).toBe('yes');
      expect(last.headers['x-old']).toBeUndefined();
      expect(last.headers['content-length']).toBe(String(Buffer.byteLength('héllo')));
      expect(last.headers.host).toBe(`127.0.0.1:${other.port}`);
    } finally {
      await other.close();
    }
  });

  it('replays an intercepted HTTPS exchange through CONNECT and the NetLens CA', async () => {
    const pki = makeTestPki();
    const p = await proxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
    const secure = await httpsOrigin(pki.valid, (req, res) => record(req, res, 'secure'));
    try {
      const opened = await p.engine.sources.open('terminal');
      // A first exchange recorded through the proxy: here an HTTP one edited into HTTPS.
      await viaProxy(p, `${origin.url}/plain`);
      const original = await p.finished((e) => e.request.url.endsWith('/plain'));
      const result = await p.engine.replay({ id: original.id, edit: { url: `${secure.url}/tls?q=1` } });
      const replayed = await p.finished((e) => e.id === result.id);
      expect(replayed.request.url).toBe(`${secure.url}/tls?q=1`);
      expect(replayed.response?.status).toBe(200);
      expect(replayed.replayOf).toBe(original.id);
      expect(seen.at(-1)?.url).toBe('/tls?q=1');
      await p.engine.sources.close(opened.source);
    } finally {
      await secure.close();
    }
  });

  it('records a replay whose upstream fails, linked like any other', async () => {
    const p = await proxy();
    await viaProxy(p, `${origin.url}/up`);
    const original = await p.finished((e) => e.request.url.endsWith('/up'));
    const closed = await httpOrigin((_req, res) => res.end());
    const deadUrl = closed.url;
    await closed.close();
    const result = await p.engine.replay({ id: original.id, edit: { url: `${deadUrl}/down` } });
    const replayed = await p.finished((e) => e.id === result.id);
    expect(replayed.state).toBe('failed');
    expect(replayed.error?.class).toBe('connect_refused');
    expect(replayed.replayOf).toBe(original.id);
  });

  it('resends a body stored decoded without its Content-Encoding', async () => {
    const p = await proxy();
    await viaProxy(p, `${origin.url}/gz`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' },
      body: zlib.gzipSync('compressed text'),
    });
    const original = await p.finished((e) => e.request.url.endsWith('/gz'));
    const result = await p.engine.replay({ id: original.id });
    await p.finished((e) => e.id === result.id);
    const last = seen.at(-1)!;
    const body = await p.engine.exchanges.body(original.id, 'request');
    // NetLens stores the request body decoded, so it goes out as plain text, not re-encoded.
    expect(body?.decoded).toBe(true);
    expect(last.headers['content-encoding']).toBeUndefined();
    expect(last.body).toBe('compressed text');
  });

  it('refuses with a coded error: unknown id, bad edit, paused capture', async () => {
    const p = await proxy();
    await expect(p.engine.replay({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await viaProxy(p, `${origin.url}/x`);
    const original = await p.finished((e) => e.request.url.endsWith('/x'));
    await expect(p.engine.replay({ id: original.id, edit: { method: 'GE T' } })).rejects.toMatchObject({
      code: 'bad_argument',
    });
    await expect(p.engine.replay({ id: original.id, edit: { url: 'ftp://x/' } })).rejects.toMatchObject({
      code: 'bad_argument',
    });
    p.engine.setCapturing(false);
    await expect(p.engine.replay({ id: original.id })).rejects.toMatchObject({ code: 'capture_paused' });
  });
});
