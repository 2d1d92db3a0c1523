/**
 * Rules on HTTP/2 streams: a client that speaks h2 to NetLens (curl --http2, Node's http2 client)
 * meets the same rules as an HTTP/1.1 one, stream by stream — a fault cuts its own stream only,
 * the connection serves the others.
 */
import fs from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import type { RuleDefinition } from '@shared/rules.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { curl, startProxy, type TestProxy } from './proxyHarness.js';
import { get, h2Origin, h2ViaTunnel, type H2Origin } from './http2Harness.js';

describe('rules on HTTP/2 streams', () => {
  let pki: TestPki;
  let proxy: TestProxy;
  let origin: H2Origin;
  let authority: string;
  let seen: http2.IncomingHttpHeaders[];
  let dir: string;

  beforeAll(async () => {
    pki = makeTestPki();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-rules-h2-'));
    proxy = await startProxy({ responseTimeoutMs: 3000 }, { extraUpstreamCaCerts: [pki.ca.certPem] });
    origin = await h2Origin(pki, (stream, headers) => {
      seen.push(headers);
      stream.respond({ ':status': 200, 'content-type': 'text/plain', 'x-origin': 'h2' });
      stream.end(`h2 origin ${headers[':path']}`);
    });
    authority = `localhost:${origin.port}`;
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen = [];
  });

  const useRules = (rules: RuleDefinition[]): Promise<unknown> => proxy.engine.rules.save(rules);
  const byPath =
    (p: string) =>
    (x: Exchange): boolean =>
      x.request.url.endsWith(p);

  it('curl --http2 stays on HTTP/2 with rules loaded, and gets the mock', async () => {
    await useRules([
      { name: 'H2 mock', match: { path: '/mocked' }, respond: { status: 298, body: 'mocked h2' } },
    ]);
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, proxy.caPem);
    const result = await curl([
      '-s',
      '--http2',
      '-w',
      ' %{http_version}',
      '--cacert',
      ca,
      '-x',
      proxy.url,
      `https://${authority}/mocked`,
    ]);
    expect(result.stdout).toBe('mocked h2 2');
    const exchange = await proxy.finished(byPath('/mocked'));
    expect(exchange.request.httpVersion).toBe('HTTP/2.0');
    expect(exchange.rule?.ruleName).toBe('H2 mock');
    expect(seen).toEqual([]);
  });

  it('a reset cuts only its own stream: the other streams of the connection go on', async () => {
    await useRules([{ name: 'Reset one', match: { path: '/cut' }, fault: { type: 'reset' } }]);
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const [cut, ok] = await Promise.all([get(session, '/cut'), get(session, '/fine')]);
      expect(cut.status).toBeUndefined();
      expect(cut.rstCode).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
      expect(ok.status).toBe(200);
      expect(ok.body).toBe('h2 origin /fine');
      // The same connection still serves new streams.
      expect((await get(session, '/after')).body).toBe('h2 origin /after');
    } finally {
      session.close();
    }
    const cut = await proxy.finished(byPath('/cut'));
    expect(cut.error?.class).toBe('injected_fault');
    expect(cut.error?.message).toMatch(/Reset one/);
    expect(cut.http2?.reset).toMatchObject({ by: 'netlens', name: 'INTERNAL_ERROR' });
    expect((await proxy.finished(byPath('/fine'))).rule).toBeUndefined();
  });

  it('limitData cuts the stream after N body bytes with RST_STREAM', async () => {
    await useRules([{ name: 'Limit', match: { path: '/limited' }, limitData: { bytes: 5 } }]);
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const result = await get(session, '/limited');
      expect(result.status).toBe(200);
      expect(result.body).toBe('h2 or');
      expect(result.rstCode).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
    } finally {
      session.close();
    }
    expect((await proxy.finished(byPath('/limited'))).rule?.ruleName).toBe('Limit');
  });

  it('latency and header rewrites act on a stream going upstream over HTTP/2', async () => {
    await useRules([
      {
        name: 'Slow and edited',
        match: { path: '/slow' },
        latency: { ms: 300 },
        rewrite: {
          requestHeaders: { set: { 'X-Injected': 'yes' } },
          responseHeaders: { set: { 'X-Origin': 'rewritten' } },
        },
      },
    ]);
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const started = performance.now();
      const result = await get(session, '/slow');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(result.status).toBe(200);
      expect(result.headers?.['x-origin']).toBe('rewritten');
    } finally {
      session.close();
    }
    expect(seen.find((h) => h[':path'] === '/slow')?.['x-injected']).toBe('yes');
    const exchange = await proxy.finished(byPath('/slow'));
    expect(exchange.rule?.actions.join(' ')).toMatch(/latency 300 ms before the response/);
    expect(exchange.http2?.upstreamStreamId).toBeGreaterThan(0);
  });

  it("serves a rule's local file on the stream (map local)", async () => {
    const file = path.join(dir, 'local.json');
    fs.writeFileSync(file, '{"local":true}');
    await useRules([{ name: 'Local', match: { path: '/local' }, mapLocal: file }]);
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const result = await get(session, '/local');
      expect(result.status).toBe(200);
      expect(result.headers?.['content-type']).toMatch(/json/);
      expect(result.body).toBe('{"local":true}');
    } finally {
      session.close();
    }
    expect(seen).toEqual([]);
    expect((await proxy.finished(byPath('/local'))).rule?.ruleName).toBe('Local');
  });

  it('fails as connect_refused: the stream ends as a really refused one does, and the record names the rule', async () => {
    // What a really refused upstream gives an HTTP/2 client through NetLens, to compare with.
    const closed = await h2Origin(pki, () => undefined);
    const closedAuthority = `localhost:${closed.port}`;
    await closed.close();
    await useRules([]);
    const outcome = async (target: string, p: string): Promise<string> => {
      const session = await h2ViaTunnel(proxy, target);
      try {
        const result = await get(session, p);
        return `status ${result.status} rst ${result.rstCode} ${result.headers?.['x-netlens-error'] ?? ''}`;
      } finally {
        session.close();
      }
    };
    const real = await outcome(closedAuthority, '/really-refused');
    await useRules([
      { name: 'Refuse', match: { path: '/refused' }, fault: { type: 'fail', class: 'connect_refused' } },
    ]);
    const injected = await outcome(authority, '/refused');
    expect(real).toBe(`status undefined rst ${http2.constants.NGHTTP2_INTERNAL_ERROR} `);
    expect(injected).toBe(real);
    const exchange = await proxy.finished(byPath('/refused'));
    expect(exchange.error).toMatchObject({
      class: 'injected_fault',
      detail: 'connect_refused',
      phase: 'connect',
    });
    expect(exchange.error?.message).toMatch(/Refuse/);
    expect(seen).toEqual([]);
  });
});
