import type http from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/**
 * The control endpoint: how another NetLens process (`netlens browser`, `netlens shell`,
 * `netlens system-proxy`) asks the running NetLens for something, over the proxy port it already
 * knows from `running.json`. Requests go to the proxy itself in origin-form under `/_netlens/`
 * and carry `Authorization: Bearer TOKEN`, the token written in `running.json` (readable by the
 * user only). A web page cannot call it: it has no token, and nothing here answers CORS
 * preflights.
 */
export const CONTROL_PREFIX = '/_netlens/';

/** A route's handler: the parsed JSON body (undefined for none) and the path after the route's prefix. */
export type ControlHandler = (body: unknown, rest: string) => Promise<unknown> | unknown;

/** Routes by `METHOD /_netlens/path`; a key ending in `/*` matches every path below it. */
export type ControlRoutes = Record<string, ControlHandler>;

export interface ControlEndpoint {
  token: string;
  routes: ControlRoutes;
}

/** Thrown by a handler to answer with a status other than 500 (`status` 400, 404, 409...). */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024;

export function isControlPath(path: string): boolean {
  return path.startsWith(CONTROL_PREFIX);
}

export function serveControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  endpoint: ControlEndpoint,
): void {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  if (!tokenMatches(req.headers.authorization, endpoint.token)) {
    req.resume();
    answer(res, 401, { error: 'The NetLens control endpoint needs the token of running.json.' });
    return;
  }
  const method = req.method ?? 'GET';
  const route = findRoute(endpoint.routes, method, path);
  if (!route) {
    req.resume();
    answer(res, 404, { error: `No control route ${method} ${path}.` });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      answer(res, 413, { error: 'Control request body too large.' });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    if (res.headersSent) return;
    let body: unknown;
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        answer(res, 400, { error: 'The control request body is not JSON.' });
        return;
      }
    }
    Promise.resolve()
      .then(() => route.handler(body, route.rest))
      .then(
        (value) => answer(res, 200, value ?? {}),
        (error: unknown) => {
          const status = error instanceof ControlError ? error.status : 500;
          answer(res, status, { error: error instanceof Error ? error.message : String(error) });
        },
      );
  });
}

function findRoute(
  routes: ControlRoutes,
  method: string,
  path: string,
): { handler: ControlHandler; rest: string } | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact) return { handler: exact, rest: '' };
  for (const [key, handler] of Object.entries(routes)) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -1);
    if (`${method} ${path}`.startsWith(prefix))
      return { handler, rest: path.slice(prefix.length - method.length - 1) };
  }
  return undefined;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header ?? '');
  if (!match) return false;
  const a = Buffer.from(match[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function answer(res: http.ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) return;
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
