/// <reference types="node" />
/**
 * "Copy as cURL" judged by what a server receives: each command the renderer builds is run by
 * a real shell (dash as /bin/sh, and bash) with the real curl against a server on 127.0.0.1
 * that records the method, the request-target, every header and the body bytes. The exchanges
 * hold what a hostile client or an imported HAR can put in them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCurl } from '@renderer/views/detail/curl';
import type { Exchange, Header } from '@shared/model';
import { makeExchange } from '@fixtures/exchangeFactory';

const CURL = '/usr/bin/curl';
const SHELLS = ['/bin/sh', '/bin/bash'].filter((shell) => existsSync(shell));
const RUN_TIMEOUT_MS = 20_000;

interface Received {
  method: string;
  target: string;
  headers: [string, string][];
  body: Buffer;
}

let server: http.Server;
let origin = '';
let cwd = '';
/** Outside `cwd`, which must stay empty: a file there is one the command should not have made. */
let scripts = '';
const waiting: ((request: Received) => void)[] = [];
/** Requests the server's parser refused (the command sent something that is not HTTP). */
const refused: string[] = [];

/** Node hands header bytes over one char per byte (latin1): the same form the model holds. */
function latin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

beforeAll(async () => {
  if (!existsSync(CURL)) throw new Error(`curl not found at ${CURL}: install it (apt-get install -y curl).`);
  cwd = mkdtempSync(path.join(os.tmpdir(), 'netlens-curl-'));
  scripts = mkdtempSync(path.join(os.tmpdir(), 'netlens-curl-scripts-'));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
        headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const request = { method: req.method!, target: req.url!, headers, body: Buffer.concat(chunks) };
      res.end('ok');
      waiting.shift()?.(request);
    });
  });
  server.on('clientError', (error: Error & { rawPacket?: Buffer }, socket) => {
    refused.push(`${error.message}: ${error.rawPacket?.toString('latin1').slice(0, 300) ?? ''}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  if (scripts) rmSync(scripts, { recursive: true, force: true });
});

/**
 * Runs the command as `SHELL -c COMMAND`, or, when it is longer than one argument may be
 * (a pasted command has no such limit), as a script file the shell reads.
 */
async function run(shell: string, command: string): Promise<{ code: number; stderr: string }> {
  let args = ['-c', command];
  if (Buffer.byteLength(command) > 100_000) {
    const script = path.join(scripts, `command-${Date.now()}.sh`);
    writeFileSync(script, command);
    args = [script];
  }
  return new Promise((resolve) => {
    execFile(
      shell,
      args,
      { cwd, timeout: RUN_TIMEOUT_MS, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } },
      (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
    );
  });
}

/** Runs the command and returns what the server received (curl exits after the response). */
async function send(shell: string, command: string): Promise<Received> {
  let got: Received | undefined;
  const receive = (request: Received) => (got = request);
  waiting.push(receive);
  refused.length = 0;
  let result: { code: number; stderr: string };
  try {
    result = await run(shell, command);
  } finally {
    const at = waiting.indexOf(receive);
    if (at >= 0) waiting.splice(at, 1);
  }
  if (result.code !== 0 || !got)
    throw new Error(
      `${shell} exited ${result.code}; the server received ${got ? 'a request' : 'nothing'}` +
        `${refused.length > 0 ? ` (refused: ${refused.join('; ')})` : ''}\n${result.stderr}\n${command.slice(0, 2000)}`,
    );
  return got;
}

/** The framing is curl's (Content-Length or chunked); everything else must be what was recorded. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

function comparable(headers: readonly [string, string][]): string[] {
  return headers
    .filter(([name]) => !FRAMING.has(name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}: ${value}`)
    .sort();
}

function expectedHeaders(exchange: Exchange): string[] {
  const pairs = exchange.request.headers
    .filter((h) => !['proxy-connection', 'connection', 'keep-alive'].includes(h.name.toLowerCase()))
    .map((h): [string, string] => [h.name, h.value]);
  return comparable(pairs);
}

function targetOf(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf('://') + 3));
}

function exchangeTo(pathAndQuery: string, init: { method?: string; headers?: Header[]; url?: string } = {}) {
  const host = origin.slice('http://'.length);
  return makeExchange({
    method: init.method ?? 'GET',
    url: init.url ?? `${origin}${pathAndQuery}`,
    requestHeaders: init.headers ?? [
      { name: 'Host', value: host },
      { name: 'User-Agent', value: 'netlens-test/1' },
      { name: 'Accept', value: '*/*' },
    ],
  });
}

function withHost(headers: Header[]): Header[] {
  return [{ name: 'Host', value: origin.slice('http://'.length) }, ...headers];
}

describe.each(SHELLS)('Copy as cURL, run by %s', (shell) => {
  it('sends hostile header values exactly, and the shell runs nothing of them', async () => {
    const exchange = exchangeTo('/headers', {
      headers: withHost([
        { name: 'User-Agent', value: 'netlens-test/1' },
        { name: 'Accept', value: 'application/json' },
        { name: 'X-Quote', value: `it's "quoted" '' \\' end` },
        { name: 'X-Subst', value: '$(touch pwned1) ${HOME} `touch pwned2`' },
        { name: 'X-Shell', value: '* ? [a] {b,c} ~ ; & | < > # !' },
        { name: 'X-Backslash', value: 'a\\b \\n \\0101 %b %s' },
        { name: 'X-Utf8', value: latin1('café ✓ 日本') },
        { name: 'X-Latin1-Byte', value: 'caf\u00e9' },
        { name: 'X-At', value: '@/etc/hostname' },
        { name: 'X-Dash', value: '-o pwned3' },
        { name: 'X-Empty', value: '' },
        { name: 'X-Tab', value: 'a\tb' },
        { name: 'X-Dup', value: '1' },
        { name: 'X-Dup', value: '2' },
        { name: 'Proxy-Connection', value: 'keep-alive' },
      ]),
    });
    const got = await send(shell, buildCurl(exchange));
    expect(got.method).toBe('GET');
    expect(got.target).toBe('/headers');
    expect(comparable(got.headers)).toEqual(expectedHeaders(exchange));
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a header only an import can hold (chars beyond latin1) goes as UTF-8', async () => {
    const exchange = exchangeTo('/import', {
      headers: withHost([
        { name: 'User-Agent', value: 'x' },
        { name: 'Accept', value: '*/*' },
        { name: 'X-Import', value: '日本 ✓' },
      ]),
    });
    const got = await send(shell, buildCurl(exchange));
    expect(got.headers).toContainEqual(['X-Import', latin1('日本 ✓')]);
  });

  it('adds none of curl’s own headers the client did not send', async () => {
    const exchange = exchangeTo('/bare', { headers: withHost([]) });
    const got = await send(shell, buildCurl(exchange));
    expect(comparable(got.headers)).toEqual([`host: ${origin.slice('http://'.length)}`]);
  });

  it('sends a body starting with @ as those bytes, not as a file to upload', async () => {
    const exchange = exchangeTo('/upload', {
      method: 'POST',
      headers: withHost([
        { name: 'User-Agent', value: 'x' },
        { name: 'Accept', value: '*/*' },
        { name: 'Content-Type', value: 'text/plain' },
      ]),
    });
    const command = buildCurl(exchange, { body: Buffer.from('@/etc/hostname') });
    const got = await send(shell, command);
    expect(got.method).toBe('POST');
    expect(got.body.toString('latin1')).toBe('@/etc/hostname');
    expect(comparable(got.headers)).toEqual(expectedHeaders(exchange));
  });

  it('sends text bodies with quotes, substitutions, newlines and non-ASCII byte for byte', async () => {
    const text = `{"q":"it's \`id\` $(id) \${HOME} \\\\ %s"}\n\nline 3 héllo ✓ 日本\n`;
    const exchange = exchangeTo('/text', {
      method: 'PUT',
      headers: withHost([
        { name: 'User-Agent', value: 'x' },
        { name: 'Accept', value: '*/*' },
        { name: 'Content-Type', value: 'application/json' },
      ]),
    });
    const got = await send(shell, buildCurl(exchange, { body: Buffer.from(text) }));
    expect(got.method).toBe('PUT');
    expect(got.body.toString('utf8')).toBe(text);
    expect(comparable(got.headers)).toEqual(expectedHeaders(exchange));
  });

  it('sends binary bodies (every byte value, NUL and CR included) through stdin', async () => {
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from("'\\%b\\0101\r\n\u0000"),
    ]);
    // Without a Content-Type: curl must not add its form type either.
    const exchange = exchangeTo('/binary', {
      method: 'POST',
      headers: withHost([
        { name: 'User-Agent', value: 'x' },
        { name: 'Accept', value: '*/*' },
      ]),
    });
    const command = buildCurl(exchange, { body: bytes });
    expect(command).toMatch(/^printf '%b' '.*' \| curl /s);
    const got = await send(shell, command);
    expect(got.body.equals(bytes)).toBe(true);
    expect(comparable(got.headers)).toEqual(expectedHeaders(exchange));
  });

  it('sends a body too large for one argument through stdin, without an Expect curl would add', async () => {
    const text = 'x'.repeat(150 * 1024) + '\n@end';
    const exchange = exchangeTo('/large', {
      method: 'POST',
      headers: withHost([
        { name: 'User-Agent', value: 'x' },
        { name: 'Accept', value: '*/*' },
        { name: 'Content-Type', value: 'text/plain' },
      ]),
    });
    const got = await send(shell, buildCurl(exchange, { body: Buffer.from(text) }));
    expect(got.body.toString('utf8')).toBe(text);
    expect(comparable(got.headers)).toEqual(expectedHeaders(exchange));
  });

  it('sends the request-target as recorded: brackets, braces, dot segments, quotes and $', async () => {
    const target = "/a[1-2]/{x,y}/../b/./c;p=1?q='$(id)'&r=`x`&s=%20&t=a|b";
    const exchange = exchangeTo(target, { method: 'DELETE' });
    const got = await send(shell, buildCurl(exchange));
    expect(got.method).toBe('DELETE');
    expect(got.target).toBe(targetOf(exchange.request.url));
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('percent-encodes what no request-target can hold (an imported URL with spaces or non-ASCII)', async () => {
    const exchange = exchangeTo('/', { url: `${origin}/a b/é?q=日` });
    const got = await send(shell, buildCurl(exchange));
    expect(got.target).toBe('/a%20b/%C3%A9?q=%E6%97%A5');
  });

  it('HEAD and custom methods', async () => {
    expect((await send(shell, buildCurl(exchangeTo('/h', { method: 'HEAD' })))).method).toBe('HEAD');
    expect((await send(shell, buildCurl(exchangeTo('/p', { method: 'PURGE' })))).method).toBe('PURGE');
  });

  it('leaves out, and says so, a header HTTP cannot carry, instead of injecting a line', async () => {
    const exchange = exchangeTo('/inject', {
      headers: withHost([
        { name: 'User-Agent', value: 'x' },
        { name: 'Accept', value: '*/*' },
        { name: 'X-Split', value: 'a\r\nX-Injected: yes' },
        { name: 'Bad Name\u001b[201~', value: 'v' },
        { name: ':authority', value: 'elsewhere' },
      ]),
    });
    const command = buildCurl(exchange);
    expect(command.split('\n')[0]).toMatch(
      /^# Left out, as HTTP cannot send them: X-Split .*Bad Name\?\[201~/,
    );
    // No control character reaches the clipboard: a pasted ESC could end a terminal's bracketed paste.
    expect([...command].filter((ch) => (ch < ' ' && ch !== '\n') || ch === '\u007f')).toEqual([]);
    const got = await send(shell, command);
    expect(got.headers.map(([name]) => name.toLowerCase())).not.toContain('x-injected');
    expect(got.headers.map(([name]) => name.toLowerCase())).not.toContain('x-split');
  });

  it('never lets a URL starting with - become a curl option', async () => {
    // The old command ended in `curl -opwned.invalid`: curl took it for "-o pwned.invalid".
    const exchange = exchangeTo('/', { url: '-opwned.invalid' });
    const result = await run(shell, buildCurl(exchange));
    // curl takes it as the URL: it looks the name up (a .invalid name never resolves, exit 6) or
    // rejects it as malformed (3). Taken as an option it would say "no URL specified" (2).
    expect([3, 6]).toContain(result.code);
    expect(result.stderr).toContain('-opwned.invalid');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
