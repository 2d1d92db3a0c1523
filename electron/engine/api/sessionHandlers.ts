/**
 * The saved sessions (docs/sessions.md): list them, open one into the list, remove one. The
 * catalog's own errors keep their codes (`not_found`, `session_in_use`, `session_unreadable`).
 */
import type { Engine } from '../engine.js';
import type { HandlerTable } from './handlerTable.js';
import { ArgumentError, argList, stringArg } from './apiArguments.js';

const SESSION_ID = /^\d{8}-\d{6}-[0-9a-z]{4}$/;

function sessionIdArg(value: unknown): string {
  const id = stringArg(value, 'id', { minLength: 1, maxLength: 64 });
  if (!SESSION_ID.test(id))
    throw new ArgumentError(`id "${id}" is not a session id (like 20261207-115310-k3f9)`);
  return id;
}

export function sessionHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'sessions:list': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.sessions.list(),
    },
    'sessions:open': {
      parse: (args) => {
        const [id] = argList(args, 1);
        return [sessionIdArg(id)];
      },
      handle: (id) => engine.sessions.open(id),
    },
    'sessions:remove': {
      parse: (args) => {
        const [id] = argList(args, 1);
        return [sessionIdArg(id)];
      },
      handle: async (id) => {
        await engine.sessions.remove(id);
        return engine.sessions.list();
      },
    },
  };
}
