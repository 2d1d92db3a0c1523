/**
 * `netlens proxy` as a user runs it: the built CLI as a child process on 127.0.0.1 with a
 * throw-away data dir, curl going through it to origins started here (DESIGN.md, "The command
 * line"): listening lines, NDJSON, terse lines, HAR on SIGINT/SIGTERM, --redact, port in use,
 * usage errors.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HarDocument } from '@shared/har.js';
import { ERROR_CLASSES } from '@shared/errors.js';
import { makeTestPki } from '@fixtures/certificates.js';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';
import {
  buildCli,
  curl,
  listening,
  runCli,
  spawnProxy,
  tempDir,
  type BuiltCli,
  type ProxyChild,
} from './cliHarness.js';

let cli: BuiltCli;
let workDir: string;
let extraCaFile: string;
let httpOrigin: http.Server;
let httpsOrigin: https.Server;
let httpPort: number;
let httpsPort: number;
const children: ProxyChild[] = [];
const dirs: string[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  let received = 0;
  req.on('data', (chunk: Buffer) => (received += chunk.length));
  req.on('end', () => {
    const body = req.url?.startsWith('/echo') ? `got ${received} bytes` : 'hello from origin';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'sid=origin-session-value' });
    res.end(body);
  });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  cli = await buildCli('cli-proxy');
  workDir = tempDir('cli-proxy');
  const pki = makeTestPki();
  extraCaFile = path.join(workDir, 'origin-ca.pem');
  writeFileSync(extraCaFile, pki.ca.certPem);
  httpOrigin = http.createServer(handler);
  httpsOrigin = https.createServer({ key: pki.valid.keyPem, cert: pki.valid.certPem }, handler);
  httpPort = await listen(httpOrigin);
  httpsPort = await listen(httpsOrigin);
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  httpOrigin.closeAllConnections();
  httpsOrigin.closeAllConnections();
  await new Promise((resolve) => httpOrigin.close(resolve));
  await new Promise((resolve) => httpsOrigin.close(resolve));
  rmSync(workDir, { recursive: true, force: true });
  cli.remove();
});

function dataDir(): string {
  const dir = tempDir('cli-proxy-data');
  dirs.push(dir);
  return dir;
}

/** `netlens proxy --port 0 --data-dir DIR ...`, trusting the test origin's CA upstream. */
function proxy(dir: string, args: string[]): ProxyChild {
  const child = spawnProxy(cli, ['--port', '0', '--data-dir', dir, ...args], {
    ...process.env,
    NODE_EXTRA_CA_CERTS: extraCaFile,
  });
  children.push(child);
  return child;
}

type Line = Record<string, unknown>;

/** A port nothing listens on (bound, then released): connecting to it is refused. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
const exchangeFor = (child: ProxyChild, urlPart: string): Promise<Line> =>
  child
    .waitForLine(
      (l) => l.startsWith('{"type":"exchange"') && (JSON.parse(l) as Line).url!.toString().includes(urlPart),
    )
    .then((l) => JSON.parse(l) as Line);

describe('netlens proxy --json', () => {
  it('prints the listening line, then one NDJSON line per finished exchange (HTTP, HTTPS, failed)', async () => {
    const dir = dataDir();
    const child = proxy(dir, ['--json']);
    const ready = await listening(child);
    expect(Object.keys(JSON.parse(child.lines[0]!) as Line)).toEqual(['type', 'proxy', 'caCert', 'session']);
    expect(ready.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.port).toBeGreaterThan(0);
    expect(ready.caCert).toBe(path.join(dir, 'ca', 'netlens-ca.pem'));

    // `--cacert "$(netlens ca)"`, as the README tells users.
    const ca = await runCli(cli, ['ca', '--data-dir', dir]);
    expect(ca.stdout.trim()).toBe(ready.caCert);

    const plain = await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${httpPort}/plain`]);
    expect(plain.stdout).toBe('hello from origin');
    const secure = await curl([
      '-sS',
      '-x',
      ready.proxy,
      '--cacert',
      ca.stdout.trim(),
      `https://127.0.0.1:${httpsPort}/secure`,
    ]);
    expect(secure.code).toBe(0);
    expect(secure.stdout).toBe('hello from origin');
    const refused = await freePort();
    await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${refused}/refused`]);

    const plainLine = await exchangeFor(child, '/plain');
    expect(plainLine).toMatchObject({
      type: 'exchange',
      kind: 'http',
      method: 'GET',
      url: `http://127.0.0.1:${httpPort}/plain`,
      httpVersion: 'HTTP/1.1',
      status: 200,
      statusText: 'OK',
      responseBodyBytes: 'hello from origin'.length,
      connection: { reused: false, serverIp: '127.0.0.1', serverPort: httpPort },
    });
    expect(typeof plainLine.id).toBe('string');
    expect(new Date(plainLine.startedDateTime as string).toISOString()).toBe(plainLine.startedDateTime);
    expect(plainLine.durationMs).toBeGreaterThanOrEqual(0);
    expect(plainLine.timings).toHaveProperty('wait');
    expect(plainLine).not.toHaveProperty('error');

    const secureLine = await exchangeFor(child, '/secure');
    expect(secureLine).toMatchObject({
      url: `https://127.0.0.1:${httpsPort}/secure`,
      status: 200,
      connection: { serverIp: '127.0.0.1', serverPort: httpsPort },
    });
    expect((secureLine.connection as Line).tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    expect(secureLine.timings).toHaveProperty('ssl');

    const failedLine = await exchangeFor(child, '/refused');
    expect(failedLine.status).toBeNull();
    expect(failedLine.error).toMatchObject({ class: 'connect_refused', phase: 'connect' });
    expect(ERROR_CLASSES).toContain((failedLine.error as Line).class);
    expect((failedLine.error as Line).message).toContain(String(refused));

    const result = await child.stop('SIGINT');
    expect(result.code).toBe(0);
    // stdout is NDJSON only: every line parses and has a type.
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines)
      expect(['listening', 'exchange', 'retry']).toContain((JSON.parse(line) as Line).type);
    expect((JSON.parse(lines[0]!) as Line).type).toBe('listening');
  });

  it('redacts secrets in NDJSON and in the HAR with --redact', async () => {
    const dir = dataDir();
    const har = path.join(dir, 'redacted.har');
    const child = proxy(dir, ['--json', '--redact', '--har', har]);
    const ready = await listening(child);
    await curl([
      '-sS',
      '-x',
      ready.proxy,
      '-H',
      'Authorization: Bearer sekrit-bearer-value',
      '-H',
      'Cookie: session=sekrit-cookie-value',
      `http://127.0.0.1:${httpPort}/echo?token=sekrit-query-value&page=2`,
    ]);
    const line = await exchangeFor(child, '/echo');
    expect(line.url).toContain('page=2');
    expect(JSON.stringify(line)).not.toContain('sekrit');

    const result = await child.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('sekrit');
    const text = readFileSync(har, 'utf8');
    expect(text).not.toContain('sekrit');
    expect(text).not.toContain('origin-session-value');
    const doc = JSON.parse(text) as HarDocument;
    expect(harSchemaErrors(doc)).toEqual([]);
    const entry = doc.log.entries.find((e) => e.request.url.includes('/echo'))!;
    expect(entry.request.url).toContain('page=2');
    expect(entry.request.headers.find((h) => h.name.toLowerCase() === 'authorization')?.value).toContain(
      '[redacted]',
    );
  });
});

describe('netlens proxy --json, retries and other clients', () => {
  it('prints a retry line when analysis puts printed exchanges in a retry chain', async () => {
    const child = proxy(dataDir(), ['--json']);
    const ready = await listening(child);
    const refused = await freePort();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${refused}/flaky`]);
    }
    const exchanges = await Promise.all(
      [1, 2, 3].map((n) =>
        child
          .waitForLine((l) => l.startsWith('{"type":"exchange"') && (JSON.parse(l) as Line).seq === n)
          .then((l) => JSON.parse(l) as Line),
      ),
    );
    // The first attempt was printed before the second showed it was one: a `retry` line says so.
    const retryOfFirst = JSON.parse(
      await child.waitForLine((l) => l.startsWith('{"type":"retry"') && l.includes(String(exchanges[0]!.id))),
    ) as Line;
    expect(Object.keys(retryOfFirst)).toEqual(['type', 'id', 'retry']);
    expect(retryOfFirst.retry).toMatchObject({ attempt: 1 });
    const chainId = (retryOfFirst.retry as Line).chainId;
    expect(typeof chainId).toBe('string');
    // The third attempt joins the chain once its own analysis ran, which may be after its line.
    const inChain = (line: string, attempt: number) =>
      (line.startsWith('{"type":"retry"') || line.startsWith('{"type":"exchange"')) &&
      ((JSON.parse(line) as Line).retry as Line | undefined)?.chainId === chainId &&
      ((JSON.parse(line) as Line).retry as Line).attempt === attempt;
    await child.waitForLine((l) => inChain(l, 3));
    const attempts = child.lines
      .filter((l) => l.startsWith('{"type":"retry"') || l.startsWith('{"type":"exchange"'))
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => (l.retry as Line | undefined)?.chainId === chainId)
      .map((l) => (l.retry as Line).attempt);
    expect(new Set(attempts)).toEqual(new Set([1, 2, 3]));
    expect((await child.stop('SIGINT')).code).toBe(0);
  });

  it('records Python requests trusting the CA through REQUESTS_CA_BUNDLE="$(netlens ca)"', async () => {
    const dir = dataDir();
    const child = proxy(dir, ['--json']);
    const ready = await listening(child);
    const ca = (await runCli(cli, ['ca', '--data-dir', dir])).stdout.trim();
    const script = [
      'import requests, sys',
      'r = requests.get(sys.argv[1], timeout=20)',
      'print(r.status_code, r.text)',
    ].join('\n');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'python3',
        ['-c', script, `https://127.0.0.1:${httpsPort}/from-python`],
        {
          timeout: 30_000,
          env: {
            ...process.env,
            HTTPS_PROXY: ready.proxy,
            HTTP_PROXY: ready.proxy,
            NO_PROXY: '',
            no_proxy: '',
            REQUESTS_CA_BUNDLE: ca,
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(result.stdout.trim(), result.stderr).toBe('200 hello from origin');
    const line = await exchangeFor(child, '/from-python');
    expect(line).toMatchObject({
      method: 'GET',
      status: 200,
      url: `https://127.0.0.1:${httpsPort}/from-python`,
    });
    expect((await child.stop('SIGTERM')).code).toBe(0);
  });
});

describe('netlens proxy, HAR on shutdown', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`writes a valid HAR and exits 0 on ${signal}`, async () => {
      const dir = dataDir();
      const har = path.join(dir, `session-${signal}.har`);
      const child = proxy(dir, ['--json', '--har', har]);
      const ready = await listening(child);
      for (const name of ['one', 'two']) {
        const result = await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${httpPort}/${name}`]);
        expect(result.stdout).toBe('hello from origin');
      }
      const first = await exchangeFor(child, '/one');
      await exchangeFor(child, '/two');

      const result = await child.stop(signal);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Wrote 2 entries to ${har}`);
      const doc = JSON.parse(readFileSync(har, 'utf8')) as HarDocument;
      expect(harSchemaErrors(doc)).toEqual([]);
      expect(doc.log.version).toBe('1.2');
      expect(doc.log.entries.map((e) => e.request.url)).toEqual([
        `http://127.0.0.1:${httpPort}/one`,
        `http://127.0.0.1:${httpPort}/two`,
      ]);
      const [entry] = doc.log.entries;
      expect(entry!.response.status).toBe(200);
      expect(entry!.serverIPAddress).toBe('127.0.0.1');
      // The same id in the NDJSON and in the HAR: a script can join them.
      expect(entry!._netlens?.id).toBe(first.id);
    });
  }

  it('writes an empty, valid HAR when nothing went through', async () => {
    const dir = dataDir();
    const har = path.join(dir, 'empty.har');
    const child = proxy(dir, ['--har', har]);
    await child.waitForLine((l) => l.startsWith('CA certificate: '));
    const result = await child.stop('SIGINT');
    expect(result.code).toBe(0);
    const doc = JSON.parse(readFileSync(har, 'utf8')) as HarDocument;
    expect(doc.log.entries).toEqual([]);
    expect(harSchemaErrors(doc)).toEqual([]);
  });
});

describe('netlens proxy, human output', () => {
  it('prints the two ready lines, then one terse line per exchange', async () => {
    const dir = dataDir();
    const child = proxy(dir, []);
    const first = await child.waitForLine(() => true);
    const port = Number(/^NetLens proxy listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(first)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await child.waitForLine((l) => l.startsWith('CA certificate: '))).toBe(
      `CA certificate: ${path.join(dir, 'ca', 'netlens-ca.pem')}`,
    );
    expect(child.lines.slice(0, 2)).toEqual([
      first,
      `CA certificate: ${path.join(dir, 'ca', 'netlens-ca.pem')}`,
    ]);

    await curl(['-sS', '-x', `http://127.0.0.1:${port}`, `http://127.0.0.1:${httpPort}/terse`]);
    await curl(['-sS', '-x', `http://127.0.0.1:${port}`, 'http://netlens-cli-test.invalid/nowhere']);
    const ok = await child.waitForLine((l) => l.includes('/terse'));
    expect(ok).toMatch(new RegExp(`^200 GET http://127\\.0\\.0\\.1:${httpPort}/terse [\\d.]+ (ms|s) 17 B$`));
    const failed = await child.waitForLine((l) => l.includes('.invalid'));
    expect(failed).toMatch(
      /^ERR GET http:\/\/netlens-cli-test\.invalid\/nowhere [\d.]+ (ms|s) dns_not_found: /,
    );

    const result = await child.stop('SIGTERM');
    expect(result.code).toBe(0);
  });
});

describe('netlens proxy, errors', () => {
  it('names the port and the process holding it, exit 1', async () => {
    const blocker = net.createServer();
    const port = await listen(blocker);
    try {
      const result = await runCli(cli, ['proxy', '--port', String(port), '--data-dir', dataDir()]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      if (process.platform === 'linux') expect(lines[0]).toContain(`(pid ${process.pid})`);
      expect(result.stdout).toBe('');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('exits 2 on a usage error, with a short message and no stack', async () => {
    for (const args of [
      ['proxy', '--port', 'eighty'],
      ['proxy', '--no-such-flag'],
      // 0 switches a timeout off where the settings schema allows it; these are out of range.
      ['proxy', '--connect-timeout-ms', '-1'],
      ['proxy', '--client-headers-timeout-ms', '0'],
      ['proxy', '--pass-through', 'https://bank.test/'],
      ['proxy', '--har', path.join(workDir, 'missing-folder', 'x.har'), '--data-dir', dataDir()],
    ]) {
      const result = await runCli(cli, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    }
  });
});
