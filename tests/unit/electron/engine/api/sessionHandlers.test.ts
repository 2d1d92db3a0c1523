import { describe, expect, it } from 'vitest';
import { createApiDispatcher } from '@engine/api/apiHandlers.js';
import { createFakeEngine } from '@fixtures/fakeEngine.js';

function dispatcher() {
  const engine = createFakeEngine();
  const unexpected: unknown[] = [];
  const dispatch = createApiDispatcher(engine, undefined, {
    onUnexpectedError: (_c, e) => unexpected.push(e),
  });
  return { engine, dispatch, unexpected };
}

describe('sessions channels', () => {
  it('lists, opens and removes a session by id', async () => {
    const { engine, dispatch, unexpected } = dispatcher();
    expect(await dispatch('sessions:list', [])).toEqual({ ok: true, value: [] });
    expect(await dispatch('sessions:open', ['20261207-115310-k3f9'])).toMatchObject({
      ok: true,
      value: { id: '20261207-115310-k3f9', current: true },
    });
    expect(await dispatch('sessions:remove', ['20261207-115310-k3f9'])).toEqual({ ok: true, value: [] });
    expect(engine.calls.map((c) => c.method)).toEqual([
      'sessions.list',
      'sessions.open',
      'sessions.remove',
      'sessions.list',
    ]);
    expect(unexpected).toEqual([]);
  });

  it('refuses what is not a session id before the engine sees it', async () => {
    const { engine, dispatch } = dispatcher();
    for (const id of ['../../etc', '', 42, '20261207-115310-K3F9', '20261207-115310-k3f9/..']) {
      const result = await dispatch('sessions:open', [id]);
      expect(result.ok, String(id)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('bad_argument');
    }
    expect(await dispatch('sessions:remove', [])).toMatchObject({
      ok: false,
      error: { code: 'bad_argument' },
    });
    expect(engine.calls).toEqual([]);
  });

  it('passes the catalog’s own codes on (an unknown session is not_found)', async () => {
    const { engine, dispatch } = dispatcher();
    engine.sessions.open = async (id: string) => {
      throw Object.assign(new Error(`No session ${id}`), { code: 'not_found' });
    };
    expect(await dispatch('sessions:open', ['20261207-115310-zzzz'])).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No session 20261207-115310-zzzz' },
    });
  });
});
