/** `websocket:frames`: a WebSocket's message log, live while it is open (the detail pane's Messages tab). */
import type { Engine } from '../engine.js';
import { ApiFailure } from './apiFailure.js';
import { argList, idArg } from './apiArguments.js';
import type { HandlerTable } from './handlerTable.js';

export function webSocketHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'websocket:frames': {
      parse: (args) => {
        const [id] = argList(args, 1);
        return [idArg(id, 'id')];
      },
      handle: (id) => {
        const log = engine.webSocketFrames(id);
        if (!log) throw new ApiFailure('not_found', `No WebSocket exchange ${id} in memory.`);
        return log;
      },
    },
  };
}
