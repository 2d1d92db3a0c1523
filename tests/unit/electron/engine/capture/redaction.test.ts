import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  SECRET_RULES,
  SECRET_VALUE_PATTERNS,
  isSecretName,
  redactBodyText,
  redactExchange,
  redactFormEncoded,
  redactHeaders,
  redactSecretsInText,
  redactUrl,
} from '@engine/capture/redaction.js';
import type { Exchange } from '@shared/model.js';
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

  it('redacts the whole userinfo of the authority', () => {
    expect(redactUrl('ftp://alice:hunter2@files.example.com/x?y=1')).toBe(
      'ftp://%5Bredacted%5D:%5Bredacted%5D@files.example.com/x?y=1',
    );
    expect(redactUrl('http://alice@h/')).toBe('http://%5Bredacted%5D@h/');
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

  it('recognises JSON without a content type, or under one that says nothing', () => {
    expect(redactBodyText('{"secret":"s"}', undefined)).toBe('{"secret":"[redacted]"}');
    for (const type of ['x-unknown', 'text/plain; charset=utf-8', 'application/octet-stream']) {
      expect(redactBodyText('{"secret":"s"}', type), type).toBe('{"secret":"[redacted]"}');
    }
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

describe('issue 11: what the old lists let through', () => {
  it('redacts a username-only userinfo, which is how tokens ride in git URLs', () => {
    expect(redactUrl('https://ghp_abc123@github.com/o/r.git')).toBe(
      'https://%5Bredacted%5D@github.com/o/r.git',
    );
    expect(redactUrl('https://x-access-token:t0k3n@github.com/o/r.git')).toBe(
      'https://%5Bredacted%5D:%5Bredacted%5D@github.com/o/r.git',
    );
  });

  it('redacts the OAuth authorization code in a callback URL and in the token request', () => {
    expect(redactUrl('https://app.test/cb?code=4%2F0AY0e-g7Xq&state=xyz')).toBe(
      'https://app.test/cb?code=%5Bredacted%5D&state=xyz',
    );
    expect(
      redactBodyText(
        'grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&code_verifier=dBjftJeZ4CVP',
        'application/x-www-form-urlencoded',
      ),
    ).toBe(
      'grant_type=authorization_code&code=%5Bredacted%5D&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&code_verifier=%5Bredacted%5D',
    );
  });

  it('redacts refresh-token, private-key, card and SSN fields in JSON bodies', () => {
    const body = JSON.stringify({
      refresh: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
      private_key_pem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
      card: { cardNumber: '4111111111111111', cvc: '123', exp_month: 12 },
      ssn: '078-05-1120',
      social_security_number: '078-05-1120',
      device_code: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
    });
    expect(JSON.parse(redactBodyText(body, 'application/json'))).toEqual({
      refresh: REDACTED,
      private_key_pem: REDACTED,
      card: { cardNumber: REDACTED, cvc: REDACTED, exp_month: 12 },
      ssn: REDACTED,
      social_security_number: REDACTED,
      device_code: REDACTED,
    });
  });
});

describe('names that are secret only in context', () => {
  it('keeps error codes in JSON, and redacts `code` beside OAuth fields or when it looks like a token', () => {
    const errors = JSON.stringify({
      code: 404,
      error: { code: 'invalid_grant', message: 'm' },
      status_code: 400,
    });
    expect(redactBodyText(errors, 'application/json')).toBe(errors);
    expect(JSON.parse(redactBodyText('{"client_id":"app","code":"abc"}', 'application/json'))).toEqual({
      client_id: 'app',
      code: REDACTED,
    });
    expect(JSON.parse(redactBodyText('{"code":"4/0AY0e-g6Xq9LmPz2RtV"}', 'application/json'))).toEqual({
      code: REDACTED,
    });
  });

  it('redacts `refresh` and `access` only when they hold a token', () => {
    const body = JSON.stringify({ access: 'read', refresh: 30, flags: { refresh: true } });
    expect(redactBodyText(body, 'application/json')).toBe(body);
    expect(JSON.parse(redactBodyText('{"access":"Xy7pQ2rT9vLm3Nk8Wd4Zb6"}', 'application/json'))).toEqual({
      access: REDACTED,
    });
  });

  it('treats code_challenge (a hash, public by design) as harmless but code_verifier as secret', () => {
    expect(isSecretName('code_challenge')).toBe(false);
    expect(isSecretName('code_verifier')).toBe(true);
  });

  it('names the payment and identity fields', () => {
    for (const name of [
      'card_number',
      'cardNumber',
      'cc_num',
      'ccnum',
      'credit_card',
      'cvv',
      'cvc',
      'security_code',
      'pan',
      'card_pan',
      'iban',
      'account_number',
      'ssn',
      'socialSecurityNumber',
      'national_id',
      'passport_number',
      'otp_code',
      'recovery_codes',
      'user_code',
      'private_key_pem',
      'ssh_key',
      'client_assertion',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of [
      'card_type',
      'card_brand',
      'last4',
      'exp_month',
      'status_code',
      'country_code',
      'japan',
      'panel',
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe('values that are secrets by their shape', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.dGhpcy1pcy10aGUtc2lnbmF0dXJlLXBhcnQ';

  it('cuts the signature of a JWT anywhere, keeping its header and claims', () => {
    expect(redactSecretsInText(`see ${jwt} here`)).toBe(
      'see eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.[redacted] here',
    );
    expect(redactHeaders([{ name: 'X-Debug', value: `t=${jwt}` }])[0]!.value).toBe(
      't=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.[redacted]',
    );
    expect(redactUrl(`https://h/p?next=/x&id=${jwt}`)).toBe(
      'https://h/p?next=/x&id=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.%5Bredacted%5D',
    );
  });

  it('keeps the vendor prefix of known tokens and drops the rest', () => {
    const samples: [string, string][] = [
      [`ghp_${'a1B2'.repeat(9)}`, 'ghp_'],
      [`github_pat_${'A1b2_'.repeat(10)}`, 'github_pat_'],
      [`glpat-${'x1Y2z'.repeat(4)}`, 'glpat-'],
      [`xoxb-1234567890-abcdef`, 'xoxb-'],
      [`sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`, 'sk_live_'],
      [`AIza${'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6q'}`, 'AIza'],
      ['AKIAIOSFODNN7EXAMPLE', 'AKIA'],
      [`npm_${'a1B2c3D4e5'.repeat(3)}a1B2c3`, 'npm_'],
    ];
    for (const [token, prefix] of samples) {
      expect(redactSecretsInText(`x ${token} y`), token).toBe(`x ${prefix}[redacted] y`);
    }
  });

  it('redacts PEM private keys, even cut short, and leaves certificates alone', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
    expect(redactSecretsInText(`${cert}\n${key}\n`)).toBe(
      `${cert}\n-----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----\n`,
    );
    expect(redactSecretsInText('a -----BEGIN PRIVATE KEY-----\nMIIEvQ')).toBe(
      'a -----BEGIN PRIVATE KEY-----[redacted]',
    );
  });

  it('leaves ordinary text alone', () => {
    const text = 'GET /eyJ.eyJ is not a token; skip_this; AKIA; ghp_short; 4111 1111 1111 1111 stays';
    expect(redactSecretsInText(text)).toBe(text);
  });
});

describe('bodies of other types', () => {
  it('redacts secret fields of multipart/form-data, keeping files and other fields', () => {
    const body = [
      '--XyZ',
      'Content-Disposition: form-data; name="username"',
      '',
      'bob',
      '--XyZ',
      'Content-Disposition: form-data; name="password"',
      '',
      'hunter2',
      '--XyZ',
      'Content-Disposition: form-data; name="token"; filename="token.txt"',
      'Content-Type: text/plain',
      '',
      'file content',
      '--XyZ--',
      '',
    ].join('\r\n');
    const out = redactBodyText(body, 'multipart/form-data; boundary=XyZ');
    expect(out).toBe(body.replace('hunter2', REDACTED));
  });

  it('redacts secret elements and attributes of XML (SOAP WS-Security)', () => {
    const xml =
      '<s:Envelope><s:Header><wsse:UsernameToken><wsse:Username>bob</wsse:Username>' +
      '<wsse:Password Type="PasswordText">hunter2</wsse:Password></wsse:UsernameToken></s:Header>' +
      '<s:Body><login apiKey="k-123" user="bob"><code>E42</code></login></s:Body></s:Envelope>';
    expect(redactBodyText(xml, 'application/soap+xml; charset=utf-8')).toBe(
      '<s:Envelope><s:Header><wsse:UsernameToken><wsse:Username>bob</wsse:Username>' +
        '<wsse:Password Type="PasswordText">[redacted]</wsse:Password></wsse:UsernameToken></s:Header>' +
        '<s:Body><login apiKey="[redacted]" user="bob"><code>E42</code></login></s:Body></s:Envelope>',
    );
  });

  it('redacts NDJSON line by line', () => {
    expect(redactBodyText('{"token":"a"}\n{"n":1}\n', 'application/x-ndjson')).toBe(
      '{"token":"[redacted]"}\n{"n":1}\n',
    );
  });

  it('survives hostile nesting and very long names', () => {
    const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;
    expect(() => redactBodyText(deep, 'application/json')).not.toThrow();
    const longName = JSON.stringify({ [`${'a'.repeat(100_000)}_password`]: 'p' });
    expect(() => redactBodyText(longName, 'application/json')).not.toThrow();
  });
});

describe('URLs in headers and fragments', () => {
  it('redacts the authorization code and tokens in Location, Referer, Link and Refresh', () => {
    const out = redactHeaders([
      { name: 'Location', value: 'https://app.test/cb?code=SplxlOBeZQQ&state=s1' },
      { name: 'Location', value: 'https://app.test/cb#access_token=2YotnFZF&token_type=bearer' },
      { name: 'Referer', value: 'https://app.test/?api_key=k1' },
      { name: 'Link', value: '<https://api.test/items?page=2&access_token=t2>; rel="next"' },
      { name: 'Refresh', value: '0; url=https://app.test/?token=t3' },
    ]);
    expect(out.map((h) => h.value)).toEqual([
      'https://app.test/cb?code=%5Bredacted%5D&state=s1',
      'https://app.test/cb#access_token=%5Bredacted%5D&token_type=bearer',
      'https://app.test/?api_key=%5Bredacted%5D',
      '<https://api.test/items?page=2&access_token=%5Bredacted%5D>; rel="next"',
      '0; url=https://app.test/?token=%5Bredacted%5D',
    ]);
  });

  it('keeps a fragment that is not a list of pairs', () => {
    expect(redactUrl('https://h/app#/traffic')).toBe('https://h/app#/traffic');
  });
});

describe('redactExchange covers every header list and URL the record carries', () => {
  it('redacts header lists and URLs it does not know by name, and error messages', () => {
    const exchange = makeExchange({ url: 'http://h/' });
    const extended = {
      ...exchange,
      request: {
        ...exchange.request,
        clientHeaders: [{ name: 'Proxy-Authorization', value: 'Basic dXNlcjpwYXNz' }],
        originalUrl: 'http://h/?token=abc',
      },
      error: {
        class: 'protocol_error' as const,
        phase: 'response' as const,
        elapsedMs: 1,
        message: 'bad header ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      },
    };
    const redacted = redactExchange(extended as unknown as Exchange) as unknown as typeof extended;
    expect(redacted.request.clientHeaders).toEqual([
      { name: 'Proxy-Authorization', value: 'Basic [redacted]' },
    ]);
    expect(redacted.request.originalUrl).toBe('http://h/?token=%5Bredacted%5D');
    expect(redacted.error.message).toBe('bad header ghp_[redacted]');
    expect(extended.request.clientHeaders[0]!.value).toBe('Basic dXNlcjpwYXNz');
  });
});

describe('docs/redaction.md', () => {
  const doc = readFileSync(path.resolve('docs/redaction.md'), 'utf8');

  it('lists every name rule of SECRET_RULES', () => {
    const listed = [
      ...SECRET_RULES.credentialHeaders,
      ...SECRET_RULES.urlHeaders,
      ...SECRET_RULES.secretWords,
      ...SECRET_RULES.trailingSecretWords,
      ...SECRET_RULES.keyQualifiers,
      ...SECRET_RULES.codeQualifiers,
      ...SECRET_RULES.secretPhrases.map((phrase) => phrase.join('_')),
      ...SECRET_RULES.descriptiveSuffixes,
      ...SECRET_RULES.oauthCodeSiblings,
      ...SECRET_RULES.tokenShapedNames,
    ];
    const missing = listed.filter((name) => !new RegExp(`\`${name}\``, 'i').test(doc));
    expect(missing).toEqual([]);
  });

  it('lists every value pattern of SECRET_VALUE_PATTERNS', () => {
    const missing = SECRET_VALUE_PATTERNS.filter(({ name }) => !doc.includes(`| ${name} `)).map(
      (p) => p.name,
    );
    expect(missing).toEqual([]);
  });
});
