/**
 * The ONE handler table behind NetlensApi (shared/api.ts), served by both transports: the
 * Electron IPC bridge and the web-mode WebSocket. Both call the dispatcher built here, so a
 * channel validates and behaves the same way whichever transport carried it.
 *
 * Handler groups live in their own files beside this one (captureHandlers, probeHandlers,
 * analysisHandlers) and are merged here; a transport adds its own (Electron's
 * `har:save`) through `extra`. A channel without a handler answers `unsupported`.
 */
import { CHANNELS, isChannel, type Channel } from '../../../shared/api.js';
import type { Result } from '../../../shared/result.js';
import type { Engine } from '../engine.js';
import { ArgumentError } from './apiArguments.js';
import { captureHandlers } from './captureHandlers.js';
import { probeHandlers } from './probeHandlers.js';
import { analysisHandlers } from './analysisHandlers.js';
import { terminalHandlers } from './terminalHandlers.js';
import { browserHandlers } from './browserHandlers.js';
import { caHandlers } from './caHandlers.js';
import { systemProxyHandlers } from './systemProxyHandlers.js';
import { rulesHandlers } from './rulesHandlers.js';
import { grpcHandlers } from './grpcHandlers.js';
import { webSocketHandlers } from './webSocketHandlers.js';
import { sessionHandlers } from './sessionHandlers.js';
import type { ChannelHandler, HandlerTable } from './handlerTable.js';

export type { ChannelHandler, HandlerTable } from './handlerTable.js';

export type ApiDispatcher = (channel: unknown, args: unknown) => Promise<Result<unknown>>;

export interface DispatcherOptions {
  /** Where unexpected (uncoded) handler errors are reported; default console.error. */
  onUnexpectedError?: (channel: Channel, error: unknown) => void;
}

const CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const SYSTEM_CODE_PATTERN = /^E[A-Z0-9_]+$/;

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

function failure(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Maps a thrown value to the Result's error code: ArgumentError, coded errors, Node system errors, the rest. */
export function errorToResult(error: unknown): { result: Result<never>; expected: boolean } {
  if (error instanceof ArgumentError)
    return { result: failure('bad_argument', error.message), expected: true };
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && CODE_PATTERN.test(code)) {
    return { result: failure(code, messageOf(error)), expected: true };
  }
  if (typeof code === 'string' && SYSTEM_CODE_PATTERN.test(code)) {
    return { result: failure('io_error', messageOf(error)), expected: true };
  }
  return { result: failure('engine_error', messageOf(error)), expected: false };
}

/** Every handler group, merged; later groups and `extra` win. */
export function buildHandlerTable(engine: Engine, extra: Partial<HandlerTable> = {}): Partial<HandlerTable> {
  return {
    ...captureHandlers(engine),
    ...probeHandlers(engine),
    ...analysisHandlers(engine),
    ...terminalHandlers(engine),
    ...browserHandlers(engine),
    ...caHandlers(engine),
    ...systemProxyHandlers(engine),
    ...rulesHandlers(engine),
    ...grpcHandlers(engine),
    ...webSocketHandlers(engine),
    ...sessionHandlers(engine),
    ...extra,
  };
}

/** Channels served by a table (e.g. to check coverage in tests). */
export function servedChannels(table: Partial<HandlerTable>): Channel[] {
  return CHANNELS.filter((channel) => table[channel] !== undefined);
}

/**
 * The dispatcher: validates the channel and its arguments, runs the handler, and always
 * resolves to a Result — it never throws and never rejects.
 */
export function createApiDispatcher(
  engine: Engine,
  extra?: Partial<HandlerTable>,
  options: DispatcherOptions = {},
): ApiDispatcher {
  const table = buildHandlerTable(engine, extra);
  const report =
    options.onUnexpectedError ??
    ((channel: Channel, error: unknown) => console.error(`netlens: ${channel} failed:`, error));
  return async (channel, args) => {
    if (!isChannel(channel)) {
      const shown = typeof channel === 'string' ? `"${channel.slice(0, 64)}"` : typeof channel;
      return failure('bad_argument', `Unknown channel ${shown}.`);
    }
    const handler = table[channel] as ChannelHandler<Channel> | undefined;
    if (!handler) return failure('unsupported', `${channel} is not available here.`);
    try {
      const parsed = handler.parse(args) as unknown[];
      const value = await (handler.handle as (...a: unknown[]) => unknown)(...parsed);
      return { ok: true, value };
    } catch (error) {
      const { result, expected } = errorToResult(error);
      if (!expected) {
        try {
          report(channel, error);
        } catch {
          // Reporting must not turn a Result into a rejection.
        }
      }
      return result;
    }
  };
}
