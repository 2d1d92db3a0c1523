/**
 * A gRPC call's decoded messages as plain JSON, for the HAR (`_netlens.grpc.decoded`) and the
 * NDJSON lines of `netlens proxy --json`: one object per message, keyed by field name when a
 * schema names the fields (close to protobuf's JSON mapping: int64 kinds as strings, enums by
 * name, nested messages as objects, repeated fields as lists) and by field number otherwise (a
 * number seen more than once becomes a list). Bounded, so a long stream or a huge message cannot
 * blow up a HAR or a line.
 */
import type { GrpcDirectionView, GrpcMessagesView, GrpcNamesSource } from './grpcMessages.js';
import type { ProtoField } from './protobufWire.js';

export interface GrpcMessageJson {
  /** The message type, when a schema names it. */
  type?: string;
  /** The fields, by name or number. */
  fields?: Record<string, unknown>;
  /** Why the message is not here (not decompressible, too large to keep…). */
  error?: string;
  /** The message was captured only in part: its fields are the ones before the cut. */
  truncated?: true;
  /** The bytes are not all protobuf: the fields before the bad byte, and why. */
  invalid?: string;
}

export interface GrpcDecodedMessages {
  /** Where the names came from: a loaded .proto file, or the server's reflection service. */
  names?: GrpcNamesSource;
  request: GrpcMessageJson[];
  response: GrpcMessageJson[];
  /** Messages left out each way (past the count or the size bound). */
  notShown?: { request?: number; response?: number };
}

/** Messages kept each way. */
export const MAX_JSON_MESSAGES = 100;
/** JSON bytes (UTF-16 code units, as stringified) kept per message and per call. */
export const MAX_JSON_MESSAGE_CHARS = 16 * 1024;
export const MAX_JSON_CALL_CHARS = 64 * 1024;

const NUMBER_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'float', 'double']);

function scalar(field: ProtoField, text: string): unknown {
  const type = field.type;
  if (type === 'bool') return text === 'true';
  if (type !== undefined && NUMBER_TYPES.has(type)) {
    const value = Number(text);
    // NaN and ±Infinity stay text, as protobuf's JSON mapping writes them.
    return Number.isFinite(value) ? value : text;
  }
  if (field.kind === 'varint' && type === undefined) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : text;
  }
  return text;
}

function valueOf(field: ProtoField): unknown {
  switch (field.kind) {
    case 'message':
      return protoFieldsToJson(field.fields ?? []);
    case 'packed':
      return (field.values ?? []).map((value) => scalar(field, value));
    case 'scalar':
    case 'varint':
      return scalar(field, field.text);
    default:
      // string, enum name, bytes and raw fixed32/64 in hex: as the tree shows them.
      return field.text;
  }
}

/** A decoded message's fields as one JSON object. */
export function protoFieldsToJson(fields: readonly ProtoField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lists = new Set<string>();
  for (const field of fields) {
    const key = field.name ?? String(field.number);
    const value = valueOf(field);
    const listed = field.repeated === true || field.kind === 'packed';
    if (!Object.hasOwn(out, key)) {
      if (listed) {
        out[key] = Array.isArray(value) && field.kind === 'packed' ? [...(value as unknown[])] : [value];
        lists.add(key);
      } else out[key] = value;
      continue;
    }
    if (!lists.has(key)) {
      out[key] = [out[key]];
      lists.add(key);
    }
    const list = out[key] as unknown[];
    if (field.kind === 'packed' && Array.isArray(value)) list.push(...(value as unknown[]));
    else list.push(value);
  }
  return out;
}

function direction(view: GrpcDirectionView): { messages: GrpcMessageJson[]; notShown: number } {
  const messages: GrpcMessageJson[] = [];
  let notShown = view.notShown;
  for (const message of view.messages) {
    if (messages.length >= MAX_JSON_MESSAGES) {
      notShown += 1;
      continue;
    }
    const json: GrpcMessageJson = {};
    if (message.typeName) json.type = message.typeName;
    if (message.truncated) json.truncated = true;
    if (message.error) json.error = message.error;
    else if (message.decoded) {
      json.fields = protoFieldsToJson(message.decoded.fields);
      if (message.decoded.error) json.invalid = message.decoded.error;
      const size = JSON.stringify(json.fields).length;
      if (size > MAX_JSON_MESSAGE_CHARS) {
        delete json.fields;
        json.error = `${size} characters of JSON when decoded, more than the ${MAX_JSON_MESSAGE_CHARS} kept per message`;
      }
    }
    messages.push(json);
  }
  return { messages, notShown };
}

/** The JSON of a call's decoded messages, request and response, within the bounds above. */
export function grpcMessagesJson(view: GrpcMessagesView): GrpcDecodedMessages {
  const request = direction(view.request);
  const response = direction(view.response);
  // Past the call's bound, the last messages of the longer side go first (a long stream), and
  // between two sides of one message each, the larger one.
  const sizeOf = (message: GrpcMessageJson | undefined) => (message ? JSON.stringify(message).length + 1 : 0);
  let size = JSON.stringify(request.messages).length + JSON.stringify(response.messages).length;
  while (size > MAX_JSON_CALL_CHARS && request.messages.length + response.messages.length > 0) {
    const lastRequest = request.messages.at(-1);
    const lastResponse = response.messages.at(-1);
    const side =
      request.messages.length !== response.messages.length
        ? request.messages.length > response.messages.length
          ? request
          : response
        : sizeOf(lastRequest) > sizeOf(lastResponse)
          ? request
          : response;
    size -= sizeOf(side.messages.pop());
    side.notShown += 1;
  }
  // `names` first: a reader of a line sees where the names came from before the fields.
  const decoded: GrpcDecodedMessages = {
    ...(view.names ? { names: { ...view.names } } : {}),
    request: request.messages,
    response: response.messages,
  };
  if (request.notShown > 0 || response.notShown > 0)
    decoded.notShown = {
      ...(request.notShown > 0 ? { request: request.notShown } : {}),
      ...(response.notShown > 0 ? { response: response.notShown } : {}),
    };
  return decoded;
}
