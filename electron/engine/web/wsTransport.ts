/**
 * NetlensApi over one WebSocket connection: `{id, channel, args}` in, `{type:'result', id,
 * result}` out. Anything malformed gets an error reply (id null when none could be read);
 * nothing a client sends can throw out of here.
 */
import type { WebSocket, RawData } from 'ws';
import type { ApiDispatcher } from '../api/apiHandlers.js';
import type { Result } from '../../../shared/result.js';

export type RequestId = number | string | null;

export interface ResultMessage {
  type: 'result';
  id: RequestId;
  result: Result<unknown>;
}

const MAX_STRING_ID_LENGTH = 64;

function badRequest(id: RequestId, message: string): ResultMessage {
  return { type: 'result', id, result: { ok: false, error: { code: 'bad_request', message } } };
}

/** Parses one incoming message; returns either the call to make or the error reply. */
export function parseRequest(
  data: string,
): { ok: true; id: number | string; channel: unknown; args: unknown } | { ok: false; reply: ResultMessage } {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return { ok: false, reply: badRequest(null, 'Message is not valid JSON.') };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, reply: badRequest(null, 'Message must be an object {id, channel, args}.') };
  }
  const m = message as { id?: unknown; channel?: unknown; args?: unknown };
  const validId =
    (typeof m.id === 'number' && Number.isSafeInteger(m.id)) ||
    (typeof m.id === 'string' && m.id.length > 0 && m.id.length <= MAX_STRING_ID_LENGTH);
  if (!validId)
    return { ok: false, reply: badRequest(null, 'Message needs an id (integer or short string).') };
  const id = m.id as number | string;
  if (typeof m.channel !== 'string')
    return { ok: false, reply: badRequest(id, 'Message needs a channel name.') };
  return { ok: true, id, channel: m.channel, args: m.args ?? [] };
}

function encode(message: ResultMessage): string {
  try {
    return JSON.stringify(message);
  } catch (error) {
    return JSON.stringify({
      type: 'result',
      id: message.id,
      result: {
        ok: false,
        error: { code: 'engine_error', message: `The result could not be encoded: ${String(error)}` },
      },
    } satisfies ResultMessage);
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Serves API calls arriving on `socket` until it closes. */
export function serveApiSocket(socket: WebSocket, dispatch: ApiDispatcher): void {
  const reply = (message: ResultMessage): void => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(encode(message), (error) => {
      // A send error means the socket is going away; its close handler cleans up.
      if (error) socket.terminate();
    });
  };
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      reply(badRequest(null, 'Binary messages are not supported; send JSON text.'));
      return;
    }
    const request = parseRequest(rawToString(data));
    if (!request.ok) {
      reply(request.reply);
      return;
    }
    dispatch(request.channel, request.args).then(
      (result) => reply({ type: 'result', id: request.id, result }),
      // The dispatcher never rejects; this is the belt to its braces.
      (error: unknown) =>
        reply({
          type: 'result',
          id: request.id,
          result: { ok: false, error: { code: 'engine_error', message: String(error) } },
        }),
    );
  });
  socket.on('error', () => {
    // e.g. a frame over maxPayload: ws closes the socket itself (1009); nothing else to do.
  });
}
