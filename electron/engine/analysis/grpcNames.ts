/**
 * Which schema names a gRPC call's fields: a loaded .proto that has the method first; else what
 * the server's reflection service says about the call's service (asked once per origin and
 * service, see GrpcReflectionCache); else none, and the fields are shown by number.
 */
import type { Exchange } from '../../../shared/model.js';
import type { GrpcNamesSource } from '../../../shared/grpcMessages.js';
import type { ProtoSchema } from '../../../shared/protoSchema.js';
import { emptyProtoSchema } from '../../../shared/protoSchema.js';
import type { GrpcReflectionCache, ReflectionOrigin } from './grpcReflectionCache.js';
import type { ProtoSchemaRegistry } from './protoSchemaLoader.js';

export interface GrpcSchemaChoice {
  schema: ProtoSchema;
  names?: GrpcNamesSource;
  reflection?: { origin: string; problem: string };
}

export interface GrpcNamesOptions<O extends ReflectionOrigin> {
  protos: ProtoSchemaRegistry;
  reflection: GrpcReflectionCache<O>;
  /** Where to ask for reflection about this call; undefined: nowhere (an unparsable URL). */
  originOf(exchange: Exchange): O | undefined;
}

export class GrpcNames<O extends ReflectionOrigin> {
  constructor(private readonly options: GrpcNamesOptions<O>) {}

  /**
   * The schema for `exchange`. `ask`: ask the server's reflection when nothing is known of it
   * yet (the UI, `netlens proxy --json`); otherwise only what was learnt before is used (a HAR
   * export does not call servers).
   */
  async choose(exchange: Exchange, ask: boolean): Promise<GrpcSchemaChoice> {
    const grpc = exchange.grpc;
    const { protos, reflection } = this.options;
    if (!grpc) return { schema: emptyProtoSchema() };
    const method = `${grpc.service}/${grpc.method}`;
    const fileName = protos.fileOfMethod(method);
    if (fileName) return { schema: protos.schema(), names: { kind: 'proto', fileName } };
    const origin = this.options.originOf(exchange);
    if (!origin || grpc.service === '') return { schema: protos.schema() };
    const outcome = ask
      ? await reflection.lookup(origin, grpc.service)
      : reflection.peek(origin, grpc.service);
    if (!outcome) return { schema: protos.schema() };
    if (!outcome.ok)
      return { schema: protos.schema(), reflection: { origin: outcome.origin, problem: outcome.reason } };
    if (!Object.hasOwn(outcome.schema.methods, method))
      return {
        schema: protos.schema(),
        reflection: { origin: outcome.origin, problem: `its reflection has no method ${method}` },
      };
    return { schema: outcome.schema, names: { kind: 'reflection', origin: outcome.origin } };
  }
}
