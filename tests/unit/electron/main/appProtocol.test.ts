/**
 * Issue 11.14: the renderer was loaded from file:, and file: was allowed for any path. Now it is
 * served on app://netlens/ from the renderer folder and nothing else.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN, createAppProtocolHandler } from '@main/appProtocol.js';

let root: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'netlens-app-protocol-'));
  const renderer = path.join(root, 'dist', 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>NetLens</title>');
  writeFileSync(path.join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'dist', 'secret.txt'), 'outside the renderer');
  serve = createAppProtocolHandler(renderer);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Request as Electron hands it over, with the initiator it sets. */
function request(url: string, init: RequestInit & { initiatorOrigin?: string } = {}): Request {
  const { initiatorOrigin, ...rest } = init;
  const req = new Request(url, rest);
  if (initiatorOrigin !== undefined)
    Object.defineProperty(req, 'initiatorOrigin', { value: initiatorOrigin });
  return req;
}

describe('app://netlens/', () => {
  it('serves the index page and its assets with their types and the CSP', async () => {
    const index = await serve(request(APP_INDEX_URL));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>NetLens</title>');

    const script = await serve(request(`${APP_ORIGIN}/assets/index-abc.js`, { initiatorOrigin: APP_ORIGIN }));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect((await serve(request(`${APP_ORIGIN}/`))).status).toBe(200);
  });

  it('never leaves the renderer folder', async () => {
    for (const url of [
      `${APP_ORIGIN}/../secret.txt`,
      `${APP_ORIGIN}/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/..%2fsecret.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.txt`,
      `${APP_ORIGIN}/..%5csecret.txt`,
      `${APP_ORIGIN}/%00`,
    ]) {
      const response = await serve(request(url));
      expect([400, 404], url).toContain(response.status);
      expect(await response.text()).not.toContain('outside the renderer');
    }
  });

  it('answers only its own host, GET and HEAD, and its own pages', async () => {
    expect((await serve(request('app://other/index.html'))).status).toBe(404);
    expect((await serve(request(APP_INDEX_URL, { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await serve(request(APP_INDEX_URL, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await serve(request(APP_INDEX_URL, { initiatorOrigin: 'https://evil.example' }))).status).toBe(
      403,
    );
    expect((await serve(request(`${APP_ORIGIN}/missing.js`))).status).toBe(404);
    expect((await serve(request(`${APP_ORIGIN}/assets`))).status).toBe(404);
  });
});
