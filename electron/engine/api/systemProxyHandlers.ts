/**
 * `systemProxy:status` and `systemProxy:set` (the Intercept view's system-proxy card and the
 * tray toggle). The engine owns the setting: it points the OS at its `system` listener, keeps
 * the journal and restores the previous setting when it stops (docs/system-proxy.md). Failures
 * keep their SystemProxyError code (`system_proxy_unsupported`, `system_proxy_busy`...).
 */
import type { SystemProxyRequest } from '../../../shared/systemProxy.js';
import type { Engine } from '../engine.js';
import type { HandlerTable } from './handlerTable.js';
import { argList, booleanArg, objectArg } from './apiArguments.js';

export function parseSystemProxyRequest(value: unknown): SystemProxyRequest {
  const raw = objectArg(value, 'request', ['on', 'pac']);
  const request: SystemProxyRequest = { on: booleanArg(raw.on, 'request.on') };
  if (raw.pac !== undefined) request.pac = booleanArg(raw.pac, 'request.pac');
  return request;
}

export function systemProxyHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'systemProxy:status': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.systemProxy.status(),
    },
    'systemProxy:set': {
      parse: (args) => {
        const [request] = argList(args, 1);
        return [parseSystemProxyRequest(request)];
      },
      handle: async (request) => (await engine.systemProxy.set(request)).state,
    },
  };
}
