/**
 * A gRPC call's decoded messages for a HAR export (`_netlens.grpc.decoded`): decoded from the
 * bodies the export loaded, named by whatever `choose` knows (loaded .proto files, reflection
 * already learnt), as bounded JSON (shared/grpcMessageJson.ts).
 */
import type { BodyPayload, BodySide, Exchange } from '../../../shared/model.js';
import { grpcMessagesJson, type GrpcDecodedMessages } from '../../../shared/grpcMessageJson.js';
import { decodeGrpcExchange } from './grpcMessageDecoder.js';
import type { GrpcSchemaChoice } from './grpcNames.js';
import { ProtoSchemaRegistry } from './protoSchemaLoader.js';

export type GrpcHarMessages = (
  exchange: Exchange,
  loadBody: (id: string, side: BodySide) => Promise<BodyPayload | null>,
) => Promise<GrpcDecodedMessages | undefined>;

export function grpcHarMessages(choose: (exchange: Exchange) => Promise<GrpcSchemaChoice>): GrpcHarMessages {
  return async (exchange, loadBody) => {
    if (!exchange.grpc) return undefined;
    const choice = await choose(exchange);
    const view = await decodeGrpcExchange(exchange, loadBody, choice.schema);
    if (view.request.missing && view.response.missing) return undefined;
    if (choice.names && view.schemaMethod) view.names = choice.names;
    return grpcMessagesJson(view);
  };
}

/** Names from .proto files alone (a saved session exported without a running engine). */
export function protoFilesGrpcHarMessages(
  files: readonly { fileName: string; text: string }[],
): GrpcHarMessages {
  const registry = new ProtoSchemaRegistry();
  for (const file of files) {
    try {
      registry.load(file.fileName, file.text);
    } catch {
      // A file that no longer parses: the engine names it at its start; here it is left out.
    }
  }
  return grpcHarMessages(async (exchange) => {
    const fileName = exchange.grpc
      ? registry.fileOfMethod(`${exchange.grpc.service}/${exchange.grpc.method}`)
      : undefined;
    return fileName
      ? { schema: registry.schema(), names: { kind: 'proto', fileName } }
      : { schema: registry.schema() };
  });
}
