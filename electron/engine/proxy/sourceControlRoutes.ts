import { urlOf } from '../../../shared/address.js';
import { isSourceKind, isSourceLabel } from '../../../shared/source.js';
import { ControlError, type ControlRoutes } from './controlEndpoint.js';
import type { SourceListener, SourceListeners } from './sourceListeners.js';

/** A source as the control endpoint and the API report it: its label and the proxy URL to use. */
export interface OpenedSource extends SourceListener {
  proxyUrl: string;
}

export function openedSource(listener: SourceListener): OpenedSource {
  return { ...listener, proxyUrl: urlOf('http', listener.host, listener.port) };
}

/**
 * Control routes for sources: `POST /_netlens/sources {kind, ownerPid?, listener?}` opens a
 * source listener (or, with `listener: false`, only numbers a label for a client that names
 * itself by proxy credentials); `DELETE /_netlens/sources/LABEL` closes one;
 * `GET /_netlens/sources` lists them.
 */
export function sourceControlRoutes(listeners: SourceListeners): ControlRoutes {
  return {
    'GET /_netlens/sources': () => listeners.list().map(openedSource),
    'POST /_netlens/sources': async (body) => {
      const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (!isSourceKind(request.kind)) {
        throw new ControlError('`kind` must be a source kind such as "chromium" or "terminal".', 400);
      }
      const ownerPid = request.ownerPid;
      if (
        ownerPid !== undefined &&
        (typeof ownerPid !== 'number' || !Number.isInteger(ownerPid) || ownerPid <= 0)
      ) {
        throw new ControlError('`ownerPid` must be a process id.', 400);
      }
      if (request.listener === false) return { source: listeners.nextLabel(request.kind) };
      const opened = await listeners.add(request.kind, ownerPid === undefined ? {} : { ownerPid });
      return openedSource(opened);
    },
    'DELETE /_netlens/sources/*': async (_body, rest) => {
      const label = decodeURIComponent(rest);
      if (!isSourceLabel(label)) throw new ControlError(`"${label}" is not a source label.`, 400);
      if (!(await listeners.remove(label))) throw new ControlError(`No source ${label} is open.`, 404);
      return { closed: label };
    },
  };
}
