import { describe, expect, it } from 'vitest';
import { FILTER_KEYS, parseDurationMs, parseFilter, parseSizeBytes, urlParts } from '@shared/filter.js';
import type { Exchange } from '@shared/model.js';
import { body, headers, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

function matching(filter: string, exchanges: Exchange[]): string[] {
  const parsed = parseFilter(filter);
  expect(parsed.errors).toEqual([]);
  return exchanges.filter(parsed.predicate).map((e) => e.id);
}

const get = makeExchange({ url: 'https://api.example.com/v1/users?page=2' });
const post = makeExchange({ method: 'POST', url: 'http://other.test/submit', status: 201 });
const notFound = makeExchange({ url: 'https://example.com/missing', status: 404 });
const serverError = makeExchange({ url: 'https://cdn.example.com/x', status: 503 });
const refused = makeFailedExchange(
  { class: 'connect_refused', phase: 'connect', message: 'refused' },
  { url: 'http://127.0.0.1:1/down' },
);
const pending = makeExchange({ state: 'pending', response: null, durationMs: undefined });
const big = makeExchange({ response: { body: body(200 * 1024, 'image/png') }, durationMs: 1500 });
const traced = makeExchange({ requestHeaders: headers({ 'X-Request-Id': 'abc' }) });
const all = [get, post, notFound, serverError, refused, pending, big, traced];

describe('parseFilter', () => {
  it('matches everything when empty', () => {
    const parsed = parseFilter('   ');
    expect(parsed.empty).toBe(true);
    expect(all.every(parsed.predicate)).toBe(true);
  });

  it('free text matches URL, method, status and error class, case-insensitively', () => {
    expect(matching('USERS', all)).toEqual([get.id]);
    expect(matching('post', all)).toEqual([post.id]);
    expect(matching('503', all)).toEqual([serverError.id]);
    expect(matching('connect_refused', all)).toEqual([refused.id]);
  });

  it('method: exact, case-insensitive, comma lists', () => {
    expect(matching('method:post', all)).toEqual([post.id]);
    expect(matching('method:POST,DELETE', all)).toEqual([post.id]);
  });

  it('status: code, class, partial wildcard and comparisons', () => {
    expect(matching('status:404', all)).toEqual([notFound.id]);
    expect(matching('status:4xx', all)).toEqual([notFound.id]);
    expect(matching('status:5xx', all)).toEqual([serverError.id]);
    expect(matching('status:50x', all)).toEqual([serverError.id]);
    expect(matching('status:>=400', all)).toEqual([notFound.id, serverError.id]);
    expect(matching('status:<200', all)).toEqual([]);
    expect(parseFilter('status:abc').errors).toHaveLength(1);
    expect(parseFilter('status:4x4').errors).toHaveLength(1);
  });

  it('host: exact or *.domain', () => {
    expect(matching('host:api.example.com', all)).toEqual([get.id]);
    expect(matching('host:*.example.com', all)).toEqual([get.id, notFound.id, serverError.id]);
  });

  it('is: error, failed, pending and the other states', () => {
    expect(matching('is:error', all)).toEqual([refused.id]);
    expect(matching('is:failed', all)).toEqual([notFound.id, serverError.id, refused.id]);
    expect(matching('is:pending', all)).toEqual([pending.id]);
    expect(parseFilter('is:nonsense').errors[0]!.message).toContain('failed');
  });

  it('error: by class, rejecting unknown classes', () => {
    expect(matching('error:connect_refused', all)).toEqual([refused.id]);
    expect(matching('error:connect_timeout', all)).toEqual([]);
    expect(parseFilter('error:oops').errors[0]!.message).toContain('connect_timeout');
  });

  it('larger: with k/m/g units', () => {
    expect(matching('larger:100k', all)).toEqual([big.id]);
    expect(matching('larger:1m', all)).toEqual([]);
    expect(parseSizeBytes('1.5m')).toBe(1.5 * 1024 * 1024);
    expect(parseSizeBytes('2g')).toBe(2 * 1024 ** 3);
    expect(parseSizeBytes('12')).toBe(12);
    expect(parseSizeBytes('12q')).toBeUndefined();
    expect(parseFilter('larger:lots').errors).toHaveLength(1);
  });

  it('slower: with ms/s units; pending exchanges have no duration', () => {
    expect(matching('slower:1s', all)).toEqual([big.id]);
    expect(matching('slower:41', all)).not.toContain(pending.id);
    expect(matching('slower:41', all).length).toBe(all.length - 1);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseFilter('slower:soon').errors).toHaveLength(1);
  });

  it('has-header: request or response, case-insensitive', () => {
    expect(matching('has-header:x-request-id', all)).toEqual([traced.id]);
    expect(matching('has-header:content-type', all)).toContain(get.id);
  });

  it('type: content type contains', () => {
    expect(matching('type:png', all)).toEqual([big.id]);
  });

  it('source: a kind matches every client of that kind, a label only that client', () => {
    const chromium1 = { ...makeExchange(), source: 'chromium#1' };
    const chromium2 = { ...makeExchange(), source: 'chromium#2' };
    const terminal = { ...makeExchange(), source: 'terminal#3' };
    const manual = { ...makeExchange(), source: 'manual' };
    const imported = makeExchange();
    const sources = [chromium1, chromium2, terminal, manual, imported];
    expect(matching('source:chromium', sources)).toEqual([chromium1.id, chromium2.id]);
    expect(matching('source:Chromium#2', sources)).toEqual([chromium2.id]);
    expect(matching('source:terminal,manual', sources)).toEqual([terminal.id, manual.id]);
    expect(matching('-source:chromium', sources)).toEqual([terminal.id, manual.id, imported.id]);
    expect(parseFilter('source:').errors).not.toEqual([]);
  });

  it('negates any term with -', () => {
    expect(matching('-method:GET', all)).toEqual([post.id]);
    expect(matching('-is:failed -is:pending', all)).toEqual([get.id, post.id, big.id, traced.id]);
    expect(matching('-example', all)).not.toContain(get.id);
  });

  it('ANDs several terms', () => {
    expect(matching('host:*.example.com status:5xx', all)).toEqual([serverError.id]);
  });

  it('accepts quoted values and quoted free text', () => {
    const spaced = makeExchange({ url: 'http://x.test/a%20b?q=hello world' });
    expect(matching('"hello world"', [spaced, get])).toEqual([spaced.id]);
    expect(matching('host:"x.test"', [spaced, get])).toEqual([spaced.id]);
    expect(matching('-"hello world"', [spaced, get])).toEqual([get.id]);
  });

  it('keeps URLs and host:port as free text', () => {
    expect(matching('https://api.example.com', all)).toEqual([get.id]);
    expect(matching('127.0.0.1:1', all)).toEqual([refused.id]);
  });

  it('reports unknown keys, missing values, a lone dash and an unclosed quote', () => {
    const parsed = parseFilter('colour:red method: - "open');
    expect(parsed.errors.map((e) => e.term)).toEqual(['"open', 'colour:red', 'method:', '-']);
    expect(parsed.errors[1]!.message).toContain('"colour" is not a filter key');
    expect(parsed.errors[2]!.message).toContain('needs a value');
  });

  it('ignores terms with errors and still applies the valid ones', () => {
    const parsed = parseFilter('bogus:1 method:POST');
    expect(parsed.errors).toHaveLength(1);
    expect(all.filter(parsed.predicate).map((e) => e.id)).toEqual([post.id]);
  });

  it('has a dispatch table that a new key can join', () => {
    FILTER_KEYS['kind'] = { example: 'kind:http', description: 'test', parse: (v) => (e) => e.kind === v };
    try {
      expect(matching('kind:http', [get]).length).toBe(1);
    } finally {
      delete FILTER_KEYS['kind'];
    }
  });
});

describe('urlParts', () => {
  it('splits host and path, and understands CONNECT targets', () => {
    expect(urlParts(get)).toMatchObject({ host: 'api.example.com', path: '/v1/users?page=2' });
    const tunnel = makeExchange({ kind: 'tunnel', method: 'CONNECT', url: 'secure.test:443' });
    expect(urlParts(tunnel)).toEqual({
      host: 'secure.test',
      port: 443,
      hostLabel: 'secure.test',
      scheme: 'tunnel',
      path: '',
    });
    expect(urlParts(makeExchange({ url: 'http://[::1]:8080/x' })).host).toBe('::1');
  });

  it('labels a host with its port when the port is not the scheme default', () => {
    expect(urlParts(makeExchange({ url: 'http://[::1]:8080/x' })).hostLabel).toBe('[::1]:8080');
    expect(urlParts(makeExchange({ url: 'http://127.0.0.1:3000/' })).hostLabel).toBe('127.0.0.1:3000');
    expect(urlParts(makeExchange({ url: 'https://api.test:443/' })).hostLabel).toBe('api.test');
    expect(urlParts(makeExchange({ url: 'https://api.test/' }))).toMatchObject({
      port: 443,
      scheme: 'https',
    });
    expect(urlParts(makeExchange({ url: 'http://api.test:443/' })).hostLabel).toBe('api.test:443');
    expect(urlParts(makeExchange({ kind: 'tunnel', url: 'secure.test:8443' })).hostLabel).toBe(
      'secure.test:8443',
    );
  });

  it('host: with a port matches that port only; without, every port', () => {
    const a = makeExchange({ url: 'http://127.0.0.1:3000/a' });
    const b = makeExchange({ url: 'http://127.0.0.1:4000/b' });
    const v6 = makeExchange({ url: 'http://[::1]:4000/c' });
    const matching = (text: string) =>
      [a, b, v6].filter(parseFilter(text).predicate).map((e) => e.request.url);
    expect(matching('host:127.0.0.1:4000')).toEqual(['http://127.0.0.1:4000/b']);
    expect(matching('host:127.0.0.1')).toEqual(['http://127.0.0.1:3000/a', 'http://127.0.0.1:4000/b']);
    expect(matching('-host:127.0.0.1:3000')).toEqual(['http://127.0.0.1:4000/b', 'http://[::1]:4000/c']);
    expect(matching('host:[::1]:4000')).toEqual(['http://[::1]:4000/c']);
    expect(parseFilter('host:127.0.0.1:4000').errors).toEqual([]);
  });
});

describe('rule filters', () => {
  const ruled = makeExchange({
    rule: { ruleId: 'slow-api', ruleName: 'Slow API', actions: ['latency 1 s'] },
  });
  const injected = makeFailedExchange(
    {
      class: 'injected_fault',
      phase: 'wait',
      message: 'NetLens rule "Flaky" failed it',
      detail: 'connection_reset',
    },
    { rule: { ruleId: 'flaky', ruleName: 'Flaky', actions: ['reset before the response'] } },
  );
  const plain = makeExchange();
  const list = [ruled, injected, plain];

  it('rule:ID or NAME, quoted, with *', () => {
    expect(matching('rule:slow-api', list)).toEqual([ruled.id]);
    expect(matching('rule:"slow api"', list)).toEqual([ruled.id]);
    expect(matching('rule:fla*', list)).toEqual([injected.id]);
    expect(matching('-rule:flaky', list)).toEqual([ruled.id, plain.id]);
    expect(parseFilter('rule:').errors.length).toBeGreaterThan(0);
  });

  it('is:injected and is:rule', () => {
    expect(matching('is:injected', list)).toEqual([injected.id]);
    expect(matching('is:rule', list)).toEqual([ruled.id, injected.id]);
  });

  it('injected:CLASS: the class an injected failure imitates, not a real failure of it', () => {
    const real = makeFailedExchange({ class: 'connection_reset', phase: 'wait', message: 'reset' });
    const withReal = [...list, real];
    expect(matching('injected:connection_reset', withReal)).toEqual([injected.id]);
    expect(matching('injected:connect_refused', withReal)).toEqual([]);
    expect(matching('error:connection_reset', withReal)).toEqual([real.id]);
    expect(parseFilter('injected:nonsense').errors[0]!.message).toMatch(/^injected: .*connection_reset/);
  });
});

describe('HTTP/2 and gRPC filter keys', () => {
  const h2 = makeExchange({
    url: 'https://127.0.0.1/h2',
    request: { httpVersion: 'HTTP/2.0' },
    http2: { clientStreamId: 1, clientConnectionId: 'k1' },
  });
  const h2c = makeExchange({
    url: 'http://127.0.0.1/h2c',
    request: { httpVersion: 'HTTP/2.0' },
    http2: { clientStreamId: 3, clientCleartext: true },
  });
  const upstreamOnly = makeExchange({ url: 'https://127.0.0.1/up', response: { httpVersion: 'HTTP/2.0' } });
  const h1 = makeExchange({ url: 'http://127.0.0.1/h1' });
  const grpcOk = makeExchange({
    url: 'https://127.0.0.1/a.B/Ok',
    grpc: { service: 'a.B', method: 'Ok', status: 0, statusName: 'OK' },
  });
  const grpcDown = makeExchange({
    url: 'https://127.0.0.1/a.B/Down',
    grpc: { service: 'a.B', method: 'Down', status: 14, statusName: 'UNAVAILABLE' },
  });
  const all = [h2, h2c, upstreamOnly, h1, grpcOk, grpcDown];
  const paths = (filter: string): string[] =>
    matching(filter, all).map((id) => new URL(all.find((e) => e.id === id)!.request.url).pathname);

  it('proto: h2 on either side, h2c, h1 on both', () => {
    expect(paths('proto:h2')).toEqual(['/h2', '/h2c', '/up']);
    expect(paths('proto:h2c')).toEqual(['/h2c']);
    expect(paths('proto:h1')).toEqual(['/h1', '/a.B/Ok', '/a.B/Down']);
    expect(paths('-proto:h2')).toEqual(['/h1', '/a.B/Ok', '/a.B/Down']);
    expect(parseFilter('proto:h3').errors[0]!.message).toContain('h2c');
  });

  it('grpc: any call, failed calls, one status by name or number; a failed call is is:failed', () => {
    expect(paths('grpc:any')).toEqual(['/a.B/Ok', '/a.B/Down']);
    expect(paths('grpc:failed')).toEqual(['/a.B/Down']);
    expect(paths('grpc:unavailable')).toEqual(['/a.B/Down']);
    expect(paths('grpc:0')).toEqual(['/a.B/Ok']);
    expect(paths('is:failed')).toEqual(['/a.B/Down']);
    expect(parseFilter('grpc:sideways').errors[0]!.message).toContain('UNAVAILABLE');
  });
});
