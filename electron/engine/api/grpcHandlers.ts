/**
 * `grpc:messages` (a gRPC call's messages decoded, for the detail pane's gRPC tab) and the
 * .proto files that put names on them (`grpc:protos`, `grpc:loadProto`, `grpc:removeProto`).
 */
import type { Engine } from '../engine.js';
import { MAX_PROTO_FILE_BYTES } from '../analysis/protoSchemaLoader.js';
import { ApiFailure } from './apiFailure.js';
import { argList, idArg, stringArg } from './apiArguments.js';
import type { HandlerTable } from './handlerTable.js';

const fileNameArg = (value: unknown) => stringArg(value, 'fileName', { minLength: 1, maxLength: 512 });

export function grpcHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'grpc:messages': {
      parse: (args) => {
        const [id] = argList(args, 1);
        return [idArg(id, 'id')];
      },
      handle: async (id) => {
        const view = await engine.grpc.messages(id);
        if (!view) throw new ApiFailure('not_found', `No gRPC exchange ${id} in memory.`);
        return view;
      },
    },
    'grpc:protos': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.grpc.protos(),
    },
    'grpc:loadProto': {
      parse: (args) => {
        const [fileName, text] = argList(args, 2);
        return [fileNameArg(fileName), stringArg(text, 'text', { maxLength: MAX_PROTO_FILE_BYTES })];
      },
      handle: (fileName, text) => engine.grpc.loadProto(fileName, text),
    },
    'grpc:removeProto': {
      parse: (args) => {
        const [fileName] = argList(args, 1);
        return [fileNameArg(fileName)];
      },
      handle: (fileName) => engine.grpc.removeProto(fileName),
    },
  };
}
