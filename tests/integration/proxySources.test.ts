/**
 * Per-source attribution, proxy authentication, the control endpoint and running.json: the
 * foundation of interception (DESIGN.md, Interception). Real curl and Node clients on 127.0.0.1.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readRunningFile, runningFilePath } from '@engine/system/runningFile.js';
import { spawn } from 'node:child_process';
import {
  curl,
  httpOrigin,
  httpsOrigin,
  startProxy,
  viaProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';
import { makeTestPki } from '@fixtures/certificates.js';

let origin: Origin & { server: http.Server };
let seenProxyAuthorization: (string | undefined)[] = [];
const proxies: TestProxy[] = [];

beforeAll(async () => {
  origin = await httpOrigin((req, res) => {
    seenProxyAuthorization.push(req.headers['proxy-authorization']);
    res.end(`hello ${req.url}`);
  });
});
afterAll(async () => {
  await origin.close();
});
afterEach(async () => {
  seenProxyAuthorization = [];
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(...args: Parameters<typeof startProxy>): Promise<TestProxy> {
  const started = await startProxy(...args);
  proxies.push(started);
  return started;
}

function control(
  p: TestProxy,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: p.port,
      method,
      path,
      agent: false,
      headers: {
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }),
      );
    });
    req.end(options.body !== undefined ? JSON.stringify(options.body) : undefined);
  });
}

describe('per-source attribution', () => {
  it('labels traffic on the main port "manual" and on a source port with its label, HTTP and HTTPS', async () => {
    const pki = makeTestPki();
    const p = await proxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
    const secure = await httpsOrigin(pki.valid, (_req, res) => res.end('secure'));
    try {
      await viaProxy(p, `${origin.url}/main`);
      expect((await p.finished((e) => e.request.url.endsWith('/main'))).source).toBe('manual');

      const chromium = await p.engine.sources.open('chromium');
      expect(chromium.source).toBe('chromium#1');
      expect(chromium.proxyUrl).toBe(`http://127.0.0.1:${chromium.port}`);
      const plain = await curl(['-sS', '-x', chromium.proxyUrl, `${origin.url}/plain`]);
      expect(plain.stdout).toBe('hello /plain');
      expect((await p.finished((e) => e.request.url.endsWith('/plain'))).source).toBe('chromium#1');

      const tlsRun = await curl([
        '-sS',
        '-x',
        chromium.proxyUrl,
        '--cacert',
        p.engine.caCertPath,
        `${secure.url}/tls`,
      ]);
      expect(tlsRun.stdout).toBe('secure');
      const intercepted = await p.finished((e) => e.request.url.endsWith('/tls'));
      expect(intercepted.source).toBe('chromium#1');
      expect(intercepted.response?.status).toBe(200);

      // Labels count up across kinds for the whole run.
      expect((await p.engine.sources.open('terminal')).source).toBe('terminal#2');
      expect(p.engine.sources.list().map((s) => s.source)).toEqual(['chromium#1', 'terminal#2']);
      expect(await p.engine.sources.close('chromium#1')).toBe(true);
      const refused = await curl(['-sS', '-x', chromium.proxyUrl, `${origin.url}/gone`]);
      expect(refused.code).toBe(7); // curl: failed to connect to the proxy — the port is closed
    } finally {
      await secure.close();
    }
  });

  it('takes the source from the proxy user name and never forwards the credentials', async () => {
    const p = await proxy();
    const run = await curl(['-sS', '-x', `http://terminal%233@127.0.0.1:${p.port}`, `${origin.url}/cred`]);
    expect(run.stdout).toBe('hello /cred');
    expect((await p.finished((e) => e.request.url.endsWith('/cred'))).source).toBe('terminal#3');
    expect(seenProxyAuthorization).toEqual([undefined]);
    // A user name that is not a label is no label.
    await curl(['-sS', '-x', `http://not%20a%20label@127.0.0.1:${p.port}`, `${origin.url}/odd`]);
    expect((await p.finished((e) => e.request.url.endsWith('/odd'))).source).toBe('manual');
  });
});

describe('proxy authentication', () => {
  it('answers 407 without the secret (HTTP and CONNECT) and forwards with it; source ports need none', async () => {
    const p = await proxy({}, { proxyAuth: 'on' });
    const secret = p.engine.proxySecret!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(fs.statSync(`${p.dataDir}/proxy-secret`).mode & 0o777).toBe(0o600);

    const denied = await curl([
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      p.url,
      `${origin.url}/x`,
    ]);
    expect(denied.stdout).toBe('407');
    const wrong = await curl([
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      `http://u:nope@127.0.0.1:${p.port}`,
      `${origin.url}/x`,
    ]);
    expect(wrong.stdout).toBe('407');
    const tunnel = await curl(['-sS', '-x', p.url, 'https://localhost:1/']);
    expect(tunnel.code).toBe(56); // CONNECT answered 407
    expect(tunnel.stderr).toMatch(/407/);

    const ok = await curl([
      '-sS',
      '-x',
      `http://docker%231:${secret}@127.0.0.1:${p.port}`,
      `${origin.url}/auth`,
    ]);
    expect(ok.stdout).toBe('hello /auth');
    expect((await p.finished((e) => e.request.url.endsWith('/auth'))).source).toBe('docker#1');
    expect(seenProxyAuthorization).toEqual([undefined]);

    const source = await p.engine.sources.open('firefox');
    const viaSource = await curl(['-sS', '-x', source.proxyUrl, `${origin.url}/src`]);
    expect(viaSource.stdout).toBe('hello /src');
    // Nothing was recorded for the refused requests.
    expect(p.engine.exchanges.list().map((e) => new URL(e.request.url).pathname)).toEqual(['/auth', '/src']);
  });

  it('is off on loopback by default', async () => {
    const p = await proxy();
    expect(p.engine.proxySecret).toBeUndefined();
  });
});

describe('running.json and the control endpoint', () => {
  it('announces the proxy with a control token (0600), and removes the file on close', async () => {
    const p = await proxy();
    const file = runningFilePath(p.dataDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const { info } = readRunningFile(p.dataDir);
    expect(info).toMatchObject({ pid: process.pid, proxy: p.url, proxyAuth: false });
    await p.engine.announceUi('http://127.0.0.1:1234/?token=t');
    expect(readRunningFile(p.dataDir).info?.ui).toBe('http://127.0.0.1:1234/?token=t');
    await p.engine.close();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a file left by a dead process is stale, with a reason', async () => {
    const p = await proxy({}, { announce: false });
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    fs.writeFileSync(
      runningFilePath(p.dataDir),
      JSON.stringify({ pid: deadPid, proxy: 'http://127.0.0.1:1', controlToken: 'x'.repeat(20) }),
    );
    const lookup = readRunningFile(p.dataDir);
    expect(lookup.info).toBeUndefined();
    expect(lookup.problem).toMatch(new RegExp(`process ${deadPid}, which is no longer running`));
    fs.writeFileSync(runningFilePath(p.dataDir), '{oops');
    expect(readRunningFile(p.dataDir).problem).toMatch(/not valid JSON/);
  });

  it('opens, lists and closes sources for another process, with the token only', async () => {
    const p = await proxy();
    const token = readRunningFile(p.dataDir).info!.controlToken;
    expect((await control(p, 'POST', '/_netlens/sources', { body: { kind: 'chromium' } })).status).toBe(401);
    expect((await control(p, 'GET', '/_netlens/info', { token: 'x'.repeat(32) })).status).toBe(401);

    const opened = await control(p, 'POST', '/_netlens/sources', { token, body: { kind: 'chromium' } });
    expect(opened.status).toBe(200);
    const source = opened.json as { source: string; proxyUrl: string };
    expect(source.source).toBe('chromium#1');
    const run = await curl(['-sS', '-x', source.proxyUrl, `${origin.url}/ctl`]);
    expect(run.stdout).toBe('hello /ctl');
    expect((await p.finished((e) => e.request.url.endsWith('/ctl'))).source).toBe('chromium#1');

    const label = await control(p, 'POST', '/_netlens/sources', {
      token,
      body: { kind: 'terminal', listener: false },
    });
    expect(label.json).toEqual({ source: 'terminal#2' });
    const info = await control(p, 'GET', '/_netlens/info', { token });
    expect(info.json).toMatchObject({ proxyUrl: p.url, sources: [{ source: 'chromium#1' }] });

    expect(
      (await control(p, 'POST', '/_netlens/sources', { token, body: { kind: 'Bad Kind' } })).status,
    ).toBe(400);
    expect((await control(p, 'DELETE', '/_netlens/sources/nope%231', { token })).status).toBe(404);
    const closed = await control(p, 'DELETE', '/_netlens/sources/chromium%231', { token });
    expect(closed).toEqual({ status: 200, json: { closed: 'chromium#1' } });
    expect(p.engine.sources.list()).toEqual([]);
    expect((await control(p, 'GET', '/_netlens/nothing', { token })).status).toBe(404);
  });

  it('closes a source once the process it was opened for is gone', async () => {
    const p = await proxy();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((resolve) => child.once('spawn', resolve));
    const opened = await p.engine.sources.open('terminal', { ownerPid: child.pid! });
    expect(p.engine.sources.list().map((s) => s.source)).toEqual([opened.source]);
    child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (p.engine.sources.list().length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(p.engine.sources.list()).toEqual([]);
  });
});
