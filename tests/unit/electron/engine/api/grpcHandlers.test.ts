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

describe('gRPC and WebSocket message channels', () => {
  it('an exchange that is not a gRPC call or a WebSocket is not_found, named', async () => {
    const { dispatch, unexpected } = dispatcher();
    expect(await dispatch('grpc:messages', ['x1'])).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'No gRPC exchange x1 in memory.' },
    });
    expect(await dispatch('websocket:frames', ['x2'])).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'No WebSocket exchange x2 in memory.' },
    });
    expect(unexpected).toEqual([]);
  });

  it('loads and removes .proto files by name; bad arguments never reach the engine', async () => {
    const { engine, dispatch } = dispatcher();
    expect(await dispatch('grpc:loadProto', ['echo.proto', 'syntax = "proto3";'])).toEqual({
      ok: true,
      value: { files: [] },
    });
    expect(await dispatch('grpc:removeProto', ['echo.proto'])).toMatchObject({ ok: true });
    for (const args of [[], ['', 'x'], ['a.proto', 42], [7, 'x'], ['a.proto']]) {
      const result = await dispatch('grpc:loadProto', args);
      expect(result, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'bad_argument' } });
    }
    expect(engine.calls.map((c) => c.method)).toEqual(['grpc.loadProto', 'grpc.removeProto']);
  });
});
