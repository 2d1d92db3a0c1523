/**
 * HTTP rules through the real proxy, seen by real clients (curl, Node, Python's requests): each
 * action does to the client what it says, and every exchange a rule acted on names the rule.
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RuleDefinition } from '@shared/rules.js';
import type { Exchange } from '@shared/model.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import {
  curl,
  httpOrigin,
  httpsOrigin,
  httpsViaProxy,
  startProxy,
  viaProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';

const BIG_BODY = Buffer.alloc(50_000, 'x');

describe('HTTP rules through the proxy', () => {
  let pki: TestPki;
  let proxy: TestProxy;
  let origin: Origin;
  let tlsOrigin: Origin;
  let otherOrigin: Origin;
  let hits: { url: string; headers: http.IncomingHttpHeaders; body: string }[];
  let dir: string;
  /** Draws for the rules' probabilities, in order; Math.random when empty. */
  let draws: number[];

  beforeAll(async () => {
    pki = makeTestPki();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-rules-test-'));
    proxy = await startProxy(
      { responseTimeoutMs: 3000, connectTimeoutMs: 2000 },
      { extraUpstreamCaCerts: [pki.ca.certPem], random: () => draws.shift() ?? Math.random() },
    );
    origin = await httpOrigin((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url?.startsWith('/big')) {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(BIG_BODY.length) });
          res.end(BIG_BODY);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Origin': 'one', 'X-Secret': 'hidden' });
        res.end(`hello from the origin ${req.url}`);
      });
    });
    otherOrigin = await httpOrigin((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`other origin ${req.url}`);
    });
    tlsOrigin = await httpsOrigin(pki.valid, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`secure ${req.url}`);
    });
  });

  afterAll(async () => {
    await origin.close();
    await otherOrigin.close();
    await tlsOrigin.close();
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    hits = [];
    draws = [];
  });

  async function useRules(rules: RuleDefinition[]): Promise<void> {
    await proxy.engine.rules.save(rules);
  }

  const byPath =
    (p: string) =>
    (x: Exchange): boolean =>
      x.request.url.endsWith(p);

  it('adds latency before the response and names the rule on the exchange', async () => {
    await useRules([
      { name: 'Slow API', match: { host: '127.0.0.1', path: '/slow*' }, latency: { ms: 300 } },
    ]);
    const started = performance.now();
    const response = await viaProxy(proxy, `${origin.url}/slow`);
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    const exchange = await proxy.finished(byPath('/slow'));
    expect(exchange.rule).toMatchObject({ ruleId: 'slow-api', ruleName: 'Slow API' });
    expect(exchange.rule!.actions.join(' ')).toMatch(/latency 300 ms before the response/);
    // An exchange no rule matched carries no rule.
    await viaProxy(proxy, `${origin.url}/fast`);
    expect((await proxy.finished(byPath('/fast'))).rule).toBeUndefined();
  });

  it('adds latency before the request goes upstream', async () => {
    await useRules([{ name: 'Late request', latency: { ms: 250, where: 'request' } }]);
    const started = performance.now();
    await viaProxy(proxy, `${origin.url}/late-request`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect((await proxy.finished(byPath('/late-request'))).rule?.actions[0]).toMatch(/before the request/);
  });

  it("slows a new connection's DNS lookup: the time lands in the dns phase, a reused connection has none", async () => {
    await useRules([{ name: 'Slow DNS', latency: { ms: 300, where: 'dns' } }]);
    const url = `http://localhost:${new URL(origin.url).port}`;
    const first = await viaProxy(proxy, `${url}/slow-dns-1`);
    expect(first.status).toBe(200);
    const slow = await proxy.finished(byPath('/slow-dns-1'));
    expect(slow.rule?.actions[0]).toMatch(/DNS lookup 300 ms slower/);
    expect(slow.timings.dns).toBeGreaterThanOrEqual(290);
    await viaProxy(proxy, `${url}/slow-dns-2`);
    const reused = await proxy.finished(byPath('/slow-dns-2'));
    expect(reused.connection?.reused).toBe(true);
    expect(reused.timings.dns).toBeUndefined();
  });

  it('answers with a mock (503 + Retry-After) without going upstream; curl sees it', async () => {
    await useRules([
      {
        name: 'Busy',
        match: { method: 'GET' },
        respond: { status: 503, headers: { 'Retry-After': '1' }, body: 'busy' },
      },
    ]);
    const result = await curl(['-s', '-i', '-x', proxy.url, `${origin.url}/mocked`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(result.stdout).toMatch(/Retry-After: 1/i);
    expect(result.stdout.endsWith('busy')).toBe(true);
    expect(hits).toHaveLength(0);
    const exchange = await proxy.finished(byPath('/mocked'));
    expect(exchange.response?.status).toBe(503);
    expect(exchange.rule?.actions).toContain('mock 503');
  });

  it('resets the connection: curl exits 56, the record says injected_fault imitating connection_reset', async () => {
    await useRules([{ name: 'Resetter', fault: { type: 'reset' } }]);
    const result = await curl(['-s', '-x', proxy.url, `${origin.url}/reset`]);
    expect(result.code).toBe(56);
    const exchange = await proxy.finished(byPath('/reset'));
    expect(exchange.error?.class).toBe('injected_fault');
    expect(exchange.error?.detail).toBe('connection_reset');
    expect(exchange.error?.message).toContain('"Resetter"');
    expect(hits).toHaveLength(0);
  });

  it("resets after N body bytes: Python's requests sees the body break off", async () => {
    await useRules([{ name: 'Mid-body reset', fault: { type: 'reset', afterBytes: 1000 } }]);
    const script = [
      'import requests, sys',
      `proxies = {"http": "${proxy.url}"}`,
      'try:',
      `    r = requests.get("${origin.url}/big", proxies=proxies, timeout=10)`,
      '    print("ok", len(r.content))',
      'except requests.exceptions.ConnectionError as e:',
      '    print("connection-error", type(e.__context__ or e).__name__, str(e)[:200])',
      'except requests.exceptions.ChunkedEncodingError as e:',
      '    print("broken-body", str(e)[:200])',
    ].join('\n');
    const output = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', script], { timeout: 20_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(stdout),
      ),
    );
    // requests raises ChunkedEncodingError when the connection resets mid-body.
    expect(output).toMatch(/^(broken-body|connection-error)/);
    expect(output).toMatch(/reset|Connection broken/i);
    const exchange = await proxy.finished(byPath('/big'));
    expect(exchange.error?.class).toBe('injected_fault');
    expect(exchange.error?.detail).toBe('connection_reset');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.body?.sizeBytes).toBe(1000);
  });

  it("a Node client sees a reset as ECONNRESET (Python's ConnectionResetError)", async () => {
    await useRules([{ name: 'Resetter', fault: { type: 'reset' } }]);
    const script = [
      'import socket',
      `s = socket.create_connection(("127.0.0.1", ${proxy.port}))`,
      `s.sendall(b"GET ${origin.url}/py-reset HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")`,
      'try:',
      '    data = s.recv(100)',
      '    print("data", data)',
      'except ConnectionResetError:',
      '    print("ConnectionResetError")',
    ].join('\n');
    const output = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', script], { timeout: 20_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(stdout),
      ),
    );
    expect(output.trim()).toBe('ConnectionResetError');
    await expect(viaProxy(proxy, `${origin.url}/node-reset`)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('closes without a response: curl reports an empty reply (52)', async () => {
    await useRules([{ name: 'Closer', fault: { type: 'close' } }]);
    const result = await curl(['-s', '-x', proxy.url, `${origin.url}/close`]);
    expect(result.code).toBe(52);
    expect((await proxy.finished(byPath('/close'))).error?.class).toBe('injected_fault');
  });

  it("holds the request (timeout): the client's own timeout fires (curl 28)", async () => {
    await useRules([{ name: 'Black hole', fault: { type: 'timeout' } }]);
    const result = await curl(['-s', '--max-time', '1', '-x', proxy.url, `${origin.url}/hold`]);
    expect(result.code).toBe(28);
    const exchange = await proxy.finished(byPath('/hold'));
    expect(exchange.error?.class).toBe('injected_fault');
    expect(exchange.error?.detail).toBe('response_timeout');
    expect(hits).toHaveLength(0);
  });

  it('fails as connect_refused: the client sees what a refused upstream gives it', async () => {
    // What a really refused upstream looks like through the proxy, to compare with.
    const closed = await httpOrigin(() => undefined);
    const refusedUrl = closed.url;
    await closed.close();
    await useRules([]);
    const real = await viaProxy(proxy, `${refusedUrl}/really-refused`).then(
      (r) => `status ${r.status}`,
      (e: NodeJS.ErrnoException) => `error ${e.code}`,
    );
    await useRules([{ name: 'Refuse', fault: { type: 'fail', class: 'connect_refused' } }]);
    const injected = await viaProxy(proxy, `${origin.url}/refused`).then(
      (r) => `status ${r.status}`,
      (e: NodeJS.ErrnoException) => `error ${e.code}`,
    );
    expect(injected).toBe(real);
    const exchange = await proxy.finished(byPath('/refused'));
    expect(exchange.error).toMatchObject({
      class: 'injected_fault',
      detail: 'connect_refused',
      phase: 'connect',
    });
    expect(exchange.error?.message).toContain('"Refuse"');
    expect(hits).toHaveLength(0);
  });

  it('fails as response_timeout after afterMs: the client gets the 504 a real one gives', async () => {
    await useRules([
      { name: 'Slow upstream', fault: { type: 'fail', class: 'response_timeout', afterMs: 200 } },
    ]);
    const started = performance.now();
    const response = await viaProxy(proxy, `${origin.url}/rt`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(response.status).toBe(504);
    expect(response.headers['x-netlens-error']).toBe('response_timeout');
    const exchange = await proxy.finished(byPath('/rt'));
    expect(exchange.error).toMatchObject({ class: 'injected_fault', detail: 'response_timeout' });
  });

  it('serves a local file (map local) with its content type', async () => {
    const file = path.join(dir, 'answer.json');
    fs.writeFileSync(file, '{"from":"file"}');
    await useRules([{ name: 'Local', match: { path: '/api/*' }, mapLocal: file }]);
    const response = await viaProxy(proxy, `${origin.url}/api/thing?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.toString()).toBe('{"from":"file"}');
    expect(hits).toHaveLength(0);
    expect((await proxy.finished(byPath('/api/thing?x=1'))).rule?.actions[0]).toContain('map local');
  });

  it('a mock body from a file', async () => {
    const file = path.join(dir, 'body.txt');
    fs.writeFileSync(file, 'file body');
    await useRules([{ name: 'Teapot', respond: { status: 418, bodyFile: file } }]);
    const response = await viaProxy(proxy, `${origin.url}/teapot`);
    expect(response.status).toBe(418);
    expect(response.body.toString()).toBe('file body');
  });

  it('blocks with 403', async () => {
    await useRules([{ name: 'No ads', match: { path: '/ads/*' }, block: true }]);
    const response = await viaProxy(proxy, `${origin.url}/ads/banner`);
    expect(response.status).toBe(403);
    expect(response.body.toString()).toContain('No ads');
    expect(hits).toHaveLength(0);
  });

  it('rewrites request and response headers', async () => {
    await useRules([
      {
        name: 'Headers',
        rewrite: {
          requestHeaders: { set: { 'X-Injected': 'yes' }, remove: ['X-Drop'] },
          responseHeaders: { set: { 'X-Origin': 'rewritten' }, remove: ['x-secret'] },
        },
      },
    ]);
    const response = await viaProxy(proxy, `${origin.url}/headers`, { headers: { 'X-Drop': '1' } });
    expect(hits[0]!.headers['x-injected']).toBe('yes');
    expect(hits[0]!.headers['x-drop']).toBeUndefined();
    expect(response.headers['x-origin']).toBe('rewritten');
    expect(response.headers['x-secret']).toBeUndefined();
    const exchange = await proxy.finished(byPath('/headers'));
    // The record shows what went upstream and what the client got.
    expect(exchange.request.headers.some((h) => h.name.toLowerCase() === 'x-injected')).toBe(true);
    expect(exchange.response?.headers.find((h) => h.name.toLowerCase() === 'x-origin')?.value).toBe(
      'rewritten',
    );
  });

  it('replaces text in the response body', async () => {
    await useRules([{ name: 'Rewrite', rewrite: { responseBody: [{ find: 'origin', replace: 'MOCK' }] } }]);
    const response = await viaProxy(proxy, `${origin.url}/body`);
    expect(response.body.toString()).toBe('hello from the MOCK /body');
    expect(response.headers['content-length']).toBe(String(response.body.length));
  });

  it('sends the request elsewhere (map remote), keeping path and query', async () => {
    await useRules([{ name: 'Elsewhere', rewrite: { url: `${otherOrigin.url}/` } }]);
    const response = await viaProxy(proxy, `${origin.url}/moved?q=1`);
    expect(response.body.toString()).toBe('other origin /moved?q=1');
    expect(hits).toHaveLength(0);
  });

  it('limits the response bandwidth', async () => {
    await useRules([{ name: '3G', bandwidth: { downKBps: 100 } }]);
    const started = performance.now();
    const response = await viaProxy(proxy, `${origin.url}/big-slow`);
    const elapsedMs = performance.now() - started;
    expect(response.body.length).toBe(BIG_BODY.length);
    // 50 KB at 100 KB/s: about half a second (the exact rate is measured by `npm run bench`).
    expect(elapsedMs).toBeGreaterThanOrEqual(400);
    expect((await proxy.finished(byPath('/big-slow'))).rule?.actions[0]).toBe('bandwidth 100 KB/s down');
  });

  it('limit_data closes the response after N body bytes', async () => {
    await useRules([{ name: 'Limit', limitData: { bytes: 100 } }]);
    await expect(viaProxy(proxy, `${origin.url}/big-limit`)).rejects.toThrow();
    const exchange = await proxy.finished(byPath('/big-limit'));
    expect(exchange.error).toMatchObject({ class: 'injected_fault', detail: 'incomplete_response' });
  });

  it('acts with its probability: a rule that loses its draw stands aside', async () => {
    await useRules([{ name: 'Half', probability: 0.5, respond: { status: 500 } }]);
    draws = [0.9, 0.1];
    const first = await viaProxy(proxy, `${origin.url}/draw-1`);
    const second = await viaProxy(proxy, `${origin.url}/draw-2`);
    expect(first.status).toBe(200);
    expect(second.status).toBe(500);
    expect((await proxy.finished(byPath('/draw-1'))).rule).toBeUndefined();
    expect((await proxy.finished(byPath('/draw-2'))).rule?.ruleName).toBe('Half');
    expect(proxy.engine.rules.state().hits['half']).toBe(1);
  });

  it('first matching rule wins unless it says continue', async () => {
    await useRules([
      { name: 'Header', continue: true, rewrite: { responseHeaders: { set: { 'X-Rule': 'a' } } } },
      { name: 'Mock', respond: { status: 202, body: 'accepted' } },
      { name: 'Never', respond: { status: 500 } },
    ]);
    const response = await viaProxy(proxy, `${origin.url}/chain`);
    expect(response.status).toBe(202);
    expect(response.headers['x-rule']).toBe('a');
    const exchange = await proxy.finished(byPath('/chain'));
    expect(exchange.rule?.ruleName).toBe('Header');
    expect(exchange.rule?.alsoRules).toEqual([{ ruleId: 'mock', ruleName: 'Mock' }]);
  });

  it('acts on intercepted HTTPS too', async () => {
    await useRules([
      { name: 'TLS mock', match: { host: 'localhost' }, respond: { status: 299, body: 'mocked tls' } },
    ]);
    const response = await httpsViaProxy(proxy, 'localhost', tlsOrigin.port, '/secure', proxy.caPem);
    response.socket.destroy();
    expect(response.status).toBe(299);
    expect(response.body.toString()).toBe('mocked tls');
    expect((await proxy.finished(byPath('/secure'))).rule?.ruleName).toBe('TLS mock');
  });

  it('an invalid rule set is refused naming the JSON path, and the rules in force stay', async () => {
    await useRules([{ name: 'Keep', respond: { status: 201 } }]);
    await expect(proxy.engine.rules.save([{ name: 'Bad', latency: { ms: -5 } }])).rejects.toThrow(
      /rules\[0\]\.latency\.ms/,
    );
    await expect(proxy.engine.rules.save([{ name: 'Bad', probability: 2 }])).rejects.toThrow(
      /rules\[0\]\.probability/,
    );
    expect((await viaProxy(proxy, `${origin.url}/kept`)).status).toBe(201);
  });
});
