/**
 * What NetLens needs of a `.proto` file to put names on decoded protobuf fields: message types
 * by full name (field number → name and type), enums (number → name) and gRPC methods (path →
 * request and response types). Plain JSON, so the engine (which parses the .proto text) can hand
 * it to the UI and the decoder in shared/protobufWire.ts.
 */

export interface ProtoFieldType {
  name: string;
  /** A scalar type (`int32`, `string`, `bytes`…), or `message` / `enum` (then `typeName`). */
  type: string;
  /** Full name of the message or enum type, without a leading dot. */
  typeName?: string;
  repeated: boolean;
}

export interface ProtoMessageType {
  /** By field number (as a string: JSON object keys). */
  fields: Record<string, ProtoFieldType>;
}

export interface ProtoMethod {
  requestType: string;
  responseType: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
}

export interface ProtoSchema {
  messages: Record<string, ProtoMessageType>;
  /** By full enum name: number (as a string) → value name. */
  enums: Record<string, Record<string, string>>;
  /** By gRPC path without its leading slash: `package.Service/Method`. */
  methods: Record<string, ProtoMethod>;
}

/** A loaded .proto file, as listed in the UI. */
export interface ProtoFileSummary {
  fileName: string;
  messages: number;
  services: number;
  methods: string[];
  /** Types its fields name that no loaded file defines (load the file that does). */
  unresolved: string[];
}

export interface ProtoSchemaState {
  files: ProtoFileSummary[];
}

export function emptyProtoSchema(): ProtoSchema {
  return { messages: {}, enums: {}, methods: {} };
}

/** The method of a gRPC path (`/pkg.Service/Method`) in the schema, when a loaded file has it. */
export function protoMethodOfPath(schema: ProtoSchema, path: string): ProtoMethod | undefined {
  const query = path.indexOf('?');
  const clean = (query >= 0 ? path.slice(0, query) : path).replace(/^\/+/, '');
  return Object.hasOwn(schema.methods, clean) ? schema.methods[clean] : undefined;
}
