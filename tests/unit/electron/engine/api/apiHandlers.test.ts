import { describe, expect, it } from 'vitest';
import { createApiDispatcher, servedChannels, buildHandlerTable } from '@engine/api/apiHandlers.js';
import { ApiFailure } from '@engine/api/apiFailure.js';
import { createFakeEngine } from '@fixtures/fakeEngine.js';
import { makeExchange } from '@fixtures/exchangeFactory.js';
import type { Result } from '@shared/result.js';

function errorCode(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

function quietDispatcher(engine = createFakeEngine()) {
  const unexpected: unknown[] = [];
  const dispatch = createApiDispatcher(engine, undefined, {
    onUnexpectedError: (_c, e) => unexpected.push(e),
  });
  return { dispatch, engine, unexpected };
}

describe('createApiDispatcher', () => {
  it('answers app:info with the engine info', async () => {
    const { dispatch } = quietDispatcher();
    const result = await dispatch('app:info', []);
    expect(result).toMatchObject({ ok: true, value: { mode: 'web', proxyUrl: 'http://127.0.0.1:8899' } });
  });

  it('refuses unknown channels and non-string channels', async () => {
    const { dispatch, engine } = quietDispatcher();
    for (const channel of [
      'nope:never',
      '',
      42,
      null,
      undefined,
      { toString: () => 'app:info' },
      '__proto__',
    ]) {
      const result = await dispatch(channel, []);
      expect(errorCode(result)).toBe('bad_argument');
    }
    expect(engine.calls).toHaveLength(0);
  });

  it('refuses argument lists that are not arrays or have the wrong length', async () => {
    const { dispatch, engine } = quietDispatcher();
    expect(errorCode(await dispatch('app:info', 'x'))).toBe('bad_argument');
    expect(errorCode(await dispatch('app:info', null))).toBe('bad_argument');
    expect(errorCode(await dispatch('app:info', [1]))).toBe('bad_argument');
    expect(errorCode(await dispatch('capture:set', []))).toBe('bad_argument');
    expect(errorCode(await dispatch('capture:set', [true, false]))).toBe('bad_argument');
    expect(engine.calls).toHaveLength(0);
  });

  it('checks argument types and ranges before touching the engine', async () => {
    const { dispatch, engine } = quietDispatcher();
    const bad: [string, unknown[]][] = [
      ['capture:set', ['yes']],
      ['capture:set', [1]],
      ['exchanges:body', ['ex-1', 'both']],
      ['exchanges:body', ['', 'request']],
      ['exchanges:body', ['x'.repeat(257), 'request']],
      ['exchanges:body', [7, 'request']],
      ['proxy:restart', [70_000]],
      ['proxy:restart', [-1]],
      ['proxy:restart', [80.5]],
      ['proxy:restart', ['8080']],
      ['settings:update', [{ connectTimeoutMs: -5 }]],
      ['settings:update', [{ connectTimeoutMs: '1000' }]],
      ['settings:update', [{ unknownSetting: 1 }]],
      ['settings:update', [{ passThroughHosts: 'example.com' }]],
      ['settings:update', [{ passThroughHosts: [''] }]],
      ['settings:update', [[]]],
      ['settings:update', [null]],
      ['har:export', [{ ids: 'ex-1' }]],
      ['har:export', [{ redact: 'true' }]],
      ['har:export', [{ extra: true }]],
      ['har:import', ['']],
      ['har:import', [{ log: {} }]],
    ];
    for (const [channel, args] of bad) {
      const result = await dispatch(channel, args);
      expect(errorCode(result), `${channel} ${JSON.stringify(args)}`).toBe('bad_argument');
      expect(result.ok ? '' : result.error.message).not.toBe('');
    }
    expect(engine.calls).toHaveLength(0);
  });

  it('passes valid arguments to the engine', async () => {
    const exchange = makeExchange();
    const { dispatch, engine } = quietDispatcher(createFakeEngine([exchange]));
    expect(await dispatch('capture:set', [false])).toEqual({ ok: true, value: undefined });
    expect(engine.capturing).toBe(false);
    const body = await dispatch('exchanges:body', [exchange.id, 'response']);
    expect(body.ok && body.value).toMatchObject({ decoded: true });
    expect(await dispatch('exchanges:body', ['missing', 'request'])).toEqual({ ok: true, value: null });
    const updated = await dispatch('settings:update', [
      { connectTimeoutMs: 1500, insecureHosts: [' a.test '] },
    ]);
    expect(updated).toMatchObject({ ok: true, value: { connectTimeoutMs: 1500, insecureHosts: ['a.test'] } });
    const har = await dispatch('har:export', [{ ids: [exchange.id], redact: true }]);
    expect(har.ok).toBe(true);
    expect(JSON.parse(har.ok ? (har.value as string) : '')).toMatchObject({ log: { version: '1.2' } });
    expect(engine.calls.find((c) => c.method === 'exportHar')?.args).toEqual([
      { ids: [exchange.id], redact: true },
    ]);
    // A missing options argument means "everything".
    expect((await dispatch('har:export', [])).ok).toBe(true);
    const list = await dispatch('exchanges:list', []);
    expect(list.ok && list.value).toEqual([exchange]);
  });

  it('turns engine errors into Results and never rejects', async () => {
    const { dispatch, engine, unexpected } = quietDispatcher();
    engine.failNext('getSettings', new Error('disk on fire'));
    expect(await dispatch('settings:get', [])).toEqual({
      ok: false,
      error: { code: 'engine_error', message: 'disk on fire' },
    });
    expect(unexpected).toHaveLength(1);

    engine.failNext('importHar', new ApiFailure('bad_har', 'log.entries is missing'));
    expect(await dispatch('har:import', ['{}'])).toEqual({
      ok: false,
      error: { code: 'bad_har', message: 'log.entries is missing' },
    });

    engine.failNext('exportHar', Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    expect(errorCode(await dispatch('har:export', [{}]))).toBe('io_error');

    engine.failNext('info', 'a thrown string');
    expect(await dispatch('app:info', [])).toEqual({
      ok: false,
      error: { code: 'engine_error', message: 'a thrown string' },
    });
    expect(unexpected).toHaveLength(2);
  });

  it('says unsupported for a channel without a handler, e.g. har:save outside Electron', async () => {
    const { dispatch } = quietDispatcher();
    expect(errorCode(await dispatch('har:save', [{}]))).toBe('unsupported');
  });

  it('moves the proxy and answers the new info; a busy port is port_in_use', async () => {
    const { dispatch, engine } = quietDispatcher();
    expect(await dispatch('proxy:restart', [9000])).toMatchObject({
      ok: true,
      value: { proxyUrl: 'http://127.0.0.1:9000' },
    });
    engine.failNext('restartProxy', Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }));
    const busy = await dispatch('proxy:restart', [9001]);
    expect(busy).toMatchObject({ ok: false, error: { code: 'port_in_use' } });
    expect(busy.ok ? '' : busy.error.message).toContain('9001');
  });

  it('lets a transport add its own channels (extra wins)', async () => {
    const engine = createFakeEngine();
    const dispatch = createApiDispatcher(engine, {
      'har:save': {
        parse: (args) => [args as never],
        handle: () => ({ path: '/tmp/x.har' }),
      },
    });
    expect(await dispatch('har:save', [{}])).toEqual({ ok: true, value: { path: '/tmp/x.har' } });
  });

  it('serves every core channel', () => {
    const served = servedChannels(buildHandlerTable(createFakeEngine()));
    expect(served).toEqual(
      expect.arrayContaining([
        'app:info',
        'exchanges:list',
        'exchanges:body',
        'exchanges:clear',
        'exchanges:replay',
        'capture:set',
        'proxy:restart',
        'settings:get',
        'settings:update',
        'har:export',
        'har:import',
      ]),
    );
  });
});
