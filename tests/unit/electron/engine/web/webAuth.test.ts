import { describe, expect, it } from 'vitest';
import {
  authorizeHttp,
  authorizeUpgrade,
  cookieName,
  createToken,
  parseCookies,
  sessionCookie,
  tokensEqual,
} from '@engine/web/webAuth.js';

const token = 'T'.repeat(43);
const port = 4321;
const host = `127.0.0.1:${port}`;

describe('createToken', () => {
  it('is 32 random bytes in base64url', () => {
    const a = createToken();
    const b = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

describe('tokensEqual', () => {
  it('compares whole tokens only', () => {
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(token.slice(1), token)).toBe(false);
    expect(tokensEqual(`${token}x`, token)).toBe(false);
    expect(tokensEqual('', token)).toBe(false);
    expect(tokensEqual(undefined, token)).toBe(false);
  });
});

describe('cookies', () => {
  it('are per port, HttpOnly and SameSite=Strict', () => {
    const cookie = sessionCookie(port, token);
    expect(cookie).toContain(`${cookieName(port)}=${token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookieName(1)).not.toBe(cookieName(2));
    expect(parseCookies(`a=1; ${cookieName(port)}=${token}; b=2`).get(cookieName(port))).toBe(token);
  });
});

describe('authorizeHttp', () => {
  it('accepts the token in the query or the cookie', () => {
    expect(authorizeHttp({ url: `/?token=${token}`, headers: { host } }, token, port)).toEqual({
      ok: true,
      via: 'query',
    });
    expect(
      authorizeHttp(
        { url: '/assets/a.js', headers: { host, cookie: `${cookieName(port)}=${token}` } },
        token,
        port,
      ),
    ).toEqual({ ok: true, via: 'cookie' });
  });

  it('answers 401 without the right token', () => {
    for (const request of [
      { url: '/', headers: { host } },
      { url: '/?token=wrong', headers: { host } },
      { url: '/', headers: { host, cookie: `${cookieName(port + 1)}=${token}` } },
    ]) {
      expect(authorizeHttp(request, token, port)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('answers 403 for a Host that is not loopback (DNS rebinding)', () => {
    expect(
      authorizeHttp({ url: `/?token=${token}`, headers: { host: `evil.example:${port}` } }, token, port),
    ).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});

describe('authorizeUpgrade', () => {
  const origin = `http://127.0.0.1:${port}`;
  it('needs the UI origin and the token', () => {
    expect(
      authorizeUpgrade({ url: `/api?token=${token}`, headers: { host, origin } }, token, port),
    ).toMatchObject({
      ok: true,
    });
    expect(
      authorizeUpgrade(
        {
          url: '/api',
          headers: { host, origin: `http://localhost:${port}`, cookie: `${cookieName(port)}=${token}` },
        },
        token,
        port,
      ),
    ).toMatchObject({ ok: true, via: 'cookie' });
  });

  it('answers 403 for another origin, even with the token', () => {
    for (const bad of [
      'http://evil.example',
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      'null',
    ]) {
      expect(
        authorizeUpgrade({ url: `/api?token=${token}`, headers: { host, origin: bad } }, token, port),
      ).toMatchObject({ ok: false, status: 403 });
    }
    expect(authorizeUpgrade({ url: `/api?token=${token}`, headers: { host } }, token, port)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('answers 401 for the right origin without the token', () => {
    expect(
      authorizeUpgrade({ url: '/api?token=nope', headers: { host, origin } }, token, port),
    ).toMatchObject({
      ok: false,
      status: 401,
    });
  });
});
