/**
 * Control routes for the system proxy (proxy/controlEndpoint.ts), so that `netlens system-proxy
 * on|off` run beside a NetLens asks THAT NetLens, which then owns the journal and restores the
 * setting when it stops:
 *   GET  /_netlens/system-proxy                      → SystemProxyState
 *   POST /_netlens/system-proxy {on, pac?, dryRun?}  → {state, message, warnings} (or the DryRun)
 */
import { ControlError, type ControlRoutes } from '../../proxy/controlEndpoint.js';
import type { SystemProxyController } from './systemProxyController.js';
import { SystemProxyError } from './systemProxyError.js';

export const SYSTEM_PROXY_ROUTE = '/_netlens/system-proxy';

function controlError(error: unknown): unknown {
  if (!(error instanceof SystemProxyError)) return error;
  const status = error.code === 'system_proxy_busy' ? 409 : error.code === 'system_proxy_failed' ? 500 : 422;
  return new ControlError(error.message, status);
}

export function systemProxyControlRoutes(controller: SystemProxyController): ControlRoutes {
  return {
    [`GET ${SYSTEM_PROXY_ROUTE}`]: () => controller.status(),
    [`POST ${SYSTEM_PROXY_ROUTE}`]: async (body) => {
      const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (typeof request.on !== 'boolean') throw new ControlError('`on` must be true or false.', 400);
      for (const flag of ['pac', 'dryRun'] as const) {
        if (request[flag] !== undefined && typeof request[flag] !== 'boolean')
          throw new ControlError(`\`${flag}\` must be true or false.`, 400);
      }
      const wanted = { on: request.on, pac: request.pac === true };
      try {
        return request.dryRun === true ? await controller.dryRun(wanted) : await controller.set(wanted);
      } catch (error) {
        throw controlError(error);
      }
    },
  };
}
