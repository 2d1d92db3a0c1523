import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  isSecretName,
  redactBodyText,
  redactExchange,
  redactFormEncoded,
  redactHeaders,
  redactUrl,
} from '@engine/capture/redaction.js';
import { headers, makeExchange } from '@fixtures/exchangeFactory.js';

describe('isSecretName', () => {
  const secret = [
    'Authorization',
    'Proxy-Authorization',
    'Cookie',
    'Set-Cookie',
    'X-Api-Key',
    'x-api-key',
    'apiKey',
    'api_key',
    'X-Goog-Api-Key',
    'Ocp-Apim-Subscription-Key',
    'key',
    'X-Auth-Token',
    'X-CSRF-Token',
    'X-XSRF-TOKEN',
    'X-Amz-Security-Token',
    'X-Amz-Credential',
    'X-Amz-Signature',
    'access_token',
    'refresh_token',
    'id_token',
    'accessToken',
    'authenticity_token',
    'client_secret',
    'clientSecret',
    'password',
    'new_password',
    'userPassword',
    'passwd',
    'db_pass',
    'pwd',
    'secret',
    'session',
    'sessionid',
    'session_id',
    'JSESSIONID',
    'PHPSESSID',
    'ASP.NET_SessionId',
    'sid',
    'sig',
    'otp',
    'x-auth',
    'auth',
    'jwt',
    'private_key',
    'SAMLResponse',
  ];
  const harmless = [
    'Keep-Alive',
    'Content-Key',
    'Sec-WebSocket-Key',
    'Sec-WebSocket-Accept',
    'Idempotency-Key',
    'Public-Key-Pins',
    'Cache-Control',
    'Content-Type',
    'WWW-Authenticate',
    'Authentication-Info',
    'author',
    'max_tokens',
    'prompt_tokens',
    'token_type',
    'token_endpoint',
    'token_endpoint_auth_methods_supported',
    'expires_in',
    'session_timeout',
    'password_policy',
    'api_key_name',
    'passThroughHosts',
    'pass_count',
    'auth_type',
    'keyboard',
    'monkey',
    'q',
    'page',
    'User-Agent',
    'Accept',
  ];
  for (const name of secret) it(`treats ${name} as secret`, () => expect(isSecretName(name)).toBe(true));
  for (const name of harmless) it(`leaves ${name} alone`, () => expect(isSecretName(name)).toBe(false));
});

describe('redactHeaders', () => {
  it('keeps the auth scheme and hides the credentials', () => {
    const out = redactHeaders(
      headers({ Authorization: 'Bearer eyJhbGciOi.abc.def', 'Proxy-Authorization': 'Basic dXNlcjpwYXNz' }),
    );
    expect(out).toEqual([
      { name: 'Authorization', value: 'Bearer [redacted]' },
      { name: 'Proxy-Authorization', value: 'Basic [redacted]' },
    ]);
  });

  it('hides a credential without a scheme entirely', () => {
    expect(redactHeaders(headers({ Authorization: 'opaque-token' }))[0]!.value).toBe(REDACTED);
  });

  it('hides cookie values but keeps their names and Set-Cookie attributes', () => {
    const out = redactHeaders([
      { name: 'Cookie', value: 'sid=abc123; theme=dark' },
      { name: 'Set-Cookie', value: 'sid=xyz; Path=/; HttpOnly; Secure' },
      { name: 'set-cookie', value: 'lang=en' },
    ]);
    expect(out.map((h) => h.value)).toEqual([
      'sid=[redacted]; theme=[redacted]',
      'sid=[redacted]; Path=/; HttpOnly; Secure',
      'lang=[redacted]',
    ]);
  });

  it('redacts secret-named headers and keeps order, case, duplicates and harmless headers', () => {
    const input = [
      { name: 'Keep-Alive', value: 'timeout=5' },
      { name: 'X-Api-Key', value: 'k1' },
      { name: 'x-api-key', value: 'k2' },
      { name: 'Sec-WebSocket-Key', value: 'dGhlIHNhbXBsZSBub25jZQ==' },
    ];
    expect(redactHeaders(input)).toEqual([
      { name: 'Keep-Alive', value: 'timeout=5' },
      { name: 'X-Api-Key', value: REDACTED },
      { name: 'x-api-key', value: REDACTED },
      { name: 'Sec-WebSocket-Key', value: 'dGhlIHNhbXBsZSBub25jZQ==' },
    ]);
    expect(input[1]!.value).toBe('k1'); // the input is not modified
  });
});

describe('redactUrl', () => {
  it('redacts secret query values and leaves the rest byte for byte', () => {
    expect(redactUrl('https://api.example.com/v1/items?page=2&api_key=abc&q=a%20b&access_token=t#frag')).toBe(
      'https://api.example.com/v1/items?page=2&api_key=%5Bredacted%5D&q=a%20b&access_token=%5Bredacted%5D#frag',
    );
  });

  it('decodes parameter names before judging them', () => {
    expect(redactUrl('http://h/p?client%5Fsecret=s')).toBe('http://h/p?client%5Fsecret=%5Bredacted%5D');
  });

  it('redacts a password in the authority', () => {
    expect(redactUrl('ftp://alice:hunter2@files.example.com/x?y=1')).toBe(
      'ftp://alice:%5Bredacted%5D@files.example.com/x?y=1',
    );
    expect(redactUrl('http://alice@h/')).toBe('http://alice@h/');
  });

  it('keeps URLs without secrets unchanged, including odd ones', () => {
    for (const url of [
      'http://h/',
      'http://h/?',
      'http://h/?flag',
      'http://h/?a=1&&b',
      'http://[::1]:8080/p?x=1',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it('redacts AWS presigned URLs', () => {
    expect(
      redactUrl(
        'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F20250101&X-Amz-Date=20250101T000000Z&X-Amz-Signature=ff',
      ),
    ).toBe(
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=%5Bredacted%5D&X-Amz-Date=20250101T000000Z&X-Amz-Signature=%5Bredacted%5D',
    );
  });
});

describe('redactBodyText', () => {
  it('redacts secret fields of a JSON body at any depth, keeping the rest', () => {
    const body = JSON.stringify({
      user: 'bob',
      password: 'hunter2',
      nested: { refresh_token: 'r', list: [{ apiKey: 'k', id: 3 }] },
      usage: { max_tokens: 100 },
      session: null,
    });
    expect(JSON.parse(redactBodyText(body, 'application/json; charset=utf-8'))).toEqual({
      user: 'bob',
      password: REDACTED,
      nested: { refresh_token: REDACTED, list: [{ apiKey: REDACTED, id: 3 }] },
      usage: { max_tokens: 100 },
      session: null,
    });
  });

  it('keeps pretty-printed JSON pretty', () => {
    const body = '{\n    "token": "abc",\n    "n": 1\n}';
    expect(redactBodyText(body, 'application/vnd.api+json')).toBe(
      '{\n    "token": "[redacted]",\n    "n": 1\n}',
    );
  });

  it('redacts form bodies', () => {
    expect(
      redactBodyText('username=bob&password=hunter2&remember=1', 'application/x-www-form-urlencoded'),
    ).toBe('username=bob&password=%5Bredacted%5D&remember=1');
    expect(redactFormEncoded('grant_type=refresh_token&refresh_token=abc')).toBe(
      'grant_type=refresh_token&refresh_token=%5Bredacted%5D',
    );
  });

  it('leaves other bodies and invalid JSON unchanged', () => {
    expect(redactBodyText('password=x', 'text/plain')).toBe('password=x');
    expect(redactBodyText('{"password": broken', 'application/json')).toBe('{"password": broken');
  });

  it('recognises JSON without a content type', () => {
    expect(redactBodyText('{"secret":"s"}', undefined)).toBe('{"secret":"[redacted]"}');
  });
});

describe('redactExchange', () => {
  it('redacts the URL and both header lists and leaves the original untouched', () => {
    const exchange = makeExchange({
      url: 'https://api.example.com/me?token=abc',
      requestHeaders: headers({ Authorization: 'Bearer abc', Accept: '*/*' }),
      responseHeaders: headers({ 'Set-Cookie': 'sid=1; HttpOnly', 'Content-Type': 'application/json' }),
    });
    const redacted = redactExchange(exchange);
    expect(redacted.request.url).toBe('https://api.example.com/me?token=%5Bredacted%5D');
    expect(redacted.request.headers).toEqual(headers({ Authorization: 'Bearer [redacted]', Accept: '*/*' }));
    expect(redacted.response!.headers).toEqual(
      headers({ 'Set-Cookie': 'sid=[redacted]; HttpOnly', 'Content-Type': 'application/json' }),
    );
    expect(exchange.request.url).toBe('https://api.example.com/me?token=abc');
    expect(exchange.request.headers[0]!.value).toBe('Bearer abc');
    expect(redacted.id).toBe(exchange.id);
  });

  it('handles an exchange without a response', () => {
    const exchange = makeExchange({ response: null, url: 'http://h/?password=p' });
    expect(redactExchange(exchange).response).toBeUndefined();
    expect(redactExchange(exchange).request.url).toBe('http://h/?password=%5Bredacted%5D');
  });
});
