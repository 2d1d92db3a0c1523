import { describe, expect, it } from 'vitest';
import { createApiDispatcher } from '@engine/api/apiHandlers.js';
import { SystemProxyError } from '@engine/system/systemProxy/systemProxyError.js';
import { createFakeEngine } from '@fixtures/fakeEngine.js';
import type { EngineEvent } from '@shared/api.js';

function setup() {
  const engine = createFakeEngine();
  const events: EngineEvent[] = [];
  engine.on((event) => events.push(event));
  const dispatch = createApiDispatcher(engine, undefined, { onUnexpectedError: () => undefined });
  return { engine, events, dispatch };
}

describe('systemProxy:status / systemProxy:set', () => {
  it('status answers the engine state; set turns it on and off and the UI hears of it', async () => {
    const { dispatch, events, engine } = setup();
    expect(await dispatch('systemProxy:status', [])).toMatchObject({ ok: true, value: { active: false } });
    const on = await dispatch('systemProxy:set', [{ on: true, pac: true }]);
    expect(on).toMatchObject({ ok: true, value: { active: true, mode: 'pac' } });
    expect(engine.calls.find((c) => c.method === 'systemProxy.set')?.args).toEqual([{ on: true, pac: true }]);
    expect(events.at(-1)).toMatchObject({ type: 'systemProxy:changed', state: { active: true } });
    expect(await dispatch('systemProxy:set', [{ on: false }])).toMatchObject({
      ok: true,
      value: { active: false },
    });
  });

  it('checks its argument', async () => {
    const { dispatch } = setup();
    for (const bad of [[], [true], [{}], [{ on: 'yes' }], [{ on: true, pac: 1 }], [{ on: true, extra: 1 }]]) {
      const result = await dispatch('systemProxy:set', bad);
      expect(result.ok ? 'ok' : result.error.code, JSON.stringify(bad)).toBe('bad_argument');
    }
    expect(await dispatch('systemProxy:status', [1])).toMatchObject({
      ok: false,
      error: { code: 'bad_argument' },
    });
  });

  it('a system-proxy failure keeps its code and message', async () => {
    const { dispatch, engine } = setup();
    const original = engine.systemProxy.set;
    engine.systemProxy.set = async () => {
      throw new SystemProxyError(
        'No desktop whose proxy setting NetLens can change was found.',
        'system_proxy_unsupported',
      );
    };
    expect(await dispatch('systemProxy:set', [{ on: true }])).toEqual({
      ok: false,
      error: {
        code: 'system_proxy_unsupported',
        message: 'No desktop whose proxy setting NetLens can change was found.',
      },
    });
    engine.systemProxy.set = original;
  });
});
