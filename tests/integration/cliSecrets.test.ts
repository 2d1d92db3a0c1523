/**
 * Issue 11, items 11 and 12, as a user meets them: `netlens proxy --har FILE` writes the HAR
 * readable by its owner only (it holds Authorization headers) into a data dir only its owner
 * can enter, and with `--redact` neither the NDJSON lines nor the HAR carry the secrets of an
 * OAuth login — a token in the URL's userinfo, the authorization code in the token request
 * and in a redirect's Location, the refresh token and a JWT's signature in the response.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HarDocument } from '@shared/har.js';
import {
  buildCli,
  curl,
  listening,
  spawnProxy,
  tempDir,
  type BuiltCli,
  type ProxyChild,
} from './cliHarness.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.sekritJwtSignature0123456789';

let cli: BuiltCli;
let origin: http.Server;
let originPort: number;
const children: ProxyChild[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  cli = await buildCli('cli-secrets');
  origin = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/login')) {
        res.writeHead(302, {
          Location: `http://127.0.0.1:${originPort}/cb?code=sekritAuthCodeFromRedirect&state=s1`,
        });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: 'sekritAccessToken',
          refresh: 'sekritRefresh9TokenXyzAbc',
          id_token: JWT,
          // A JWT under a name nobody would call secret: caught by its shape.
          debug: JWT,
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as net.AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  cli.remove();
});

/** A fresh parent folder; the data dir inside it does not exist yet, so netlens creates it. */
function workDir(): string {
  const dir = tempDir('cli-secrets');
  dirs.push(dir);
  return dir;
}

function proxy(dataDir: string, args: string[]): ProxyChild {
  const child = spawnProxy(cli, ['--port', '0', '--json', '--data-dir', dataDir, ...args]);
  children.push(child);
  return child;
}

/** A raw HTTP/1.1 request through the proxy, written as given (curl would strip the userinfo). */
function rawRequest(proxyPort: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxyPort, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (/\r\n\r\n[\s\S]*\}$/.test(received)) socket.end();
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no response within 10 s')));
  });
}

async function oauthLogin(proxyUrl: string, proxyPort: number): Promise<void> {
  const redirect = await curl([
    '-sS',
    '-o',
    '/dev/null',
    '-x',
    proxyUrl,
    `http://127.0.0.1:${originPort}/login`,
  ]);
  expect(redirect.code).toBe(0);
  const form = 'grant_type=authorization_code&code=sekritAuthCode&client_id=app&code_verifier=sekritVerifier';
  const reply = await rawRequest(
    proxyPort,
    `POST http://sekritUserinfoToken@127.0.0.1:${originPort}/oauth/token HTTP/1.1\r\n` +
      `Host: 127.0.0.1:${originPort}\r\nAuthorization: Basic c2Vrcml0QmFzaWM=\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n` +
      `Connection: close\r\n\r\n${form}`,
  );
  expect(reply).toMatch(/^HTTP\/1\.1 200/);
}

describe('netlens proxy --har: files and redaction', () => {
  it('creates the data dir 0700 and the HAR 0600, since an unredacted HAR holds credentials', async () => {
    const dataDir = path.join(workDir(), 'NetLens');
    const har = path.join(workDir(), 'session.har');
    const child = proxy(dataDir, ['--har', har]);
    const ready = await listening(child);
    await oauthLogin(ready.proxy, ready.port);
    await child.waitForLine((l) => l.includes('/oauth/token'));
    const result = await child.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(existsSync(har)).toBe(true);
    expect(statSync(har).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    // Unredacted, as asked: the credentials are there, which is why the file is private.
    expect(readFileSync(har, 'utf8')).toContain('c2Vrcml0QmFzaWM=');
  });

  it('with --redact, no secret of an OAuth login reaches the NDJSON lines or the HAR', async () => {
    const dataDir = path.join(workDir(), 'NetLens');
    const har = path.join(workDir(), 'redacted.har');
    const child = proxy(dataDir, ['--redact', '--har', har]);
    const ready = await listening(child);
    await oauthLogin(ready.proxy, ready.port);
    await child.waitForLine((l) => l.includes('/oauth/token'));
    const result = await child.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('sekrit');

    const text = readFileSync(har, 'utf8');
    expect(text).not.toContain('sekrit');
    expect(text).not.toContain('c2Vrcml0QmFzaWM=');
    const doc = JSON.parse(text) as HarDocument;
    const token = doc.log.entries.find((e) => e.request.url.includes('/oauth/token'))!;
    expect(token.request.url).toBe(`http://%5Bredacted%5D@127.0.0.1:${originPort}/oauth/token`);
    expect(token.request.postData?.params).toContainEqual({
      name: 'grant_type',
      value: 'authorization_code',
    });
    expect(token.request.postData?.params).toContainEqual({ name: 'code', value: '[redacted]' });
    const response = JSON.parse(token.response.content.text ?? '{}') as Record<string, unknown>;
    expect(response).toMatchObject({
      access_token: '[redacted]',
      refresh: '[redacted]',
      id_token: '[redacted]',
      debug: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.[redacted]',
      token_type: 'Bearer',
      expires_in: 3600,
    });
    const login = doc.log.entries.find((e) => e.request.url.includes('/login'))!;
    expect(login.response.redirectURL).toBe(`http://127.0.0.1:${originPort}/cb?code=%5Bredacted%5D&state=s1`);
  });
});
