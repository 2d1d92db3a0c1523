/**
 * A recorded gRPC call's messages made readable: each body split by gRPC's length prefix
 * (gRPC-Web `-text` bodies base64-decoded first), compressed messages inflated by the
 * direction's `grpc-encoding`, and each message decoded as protobuf — raw, or with the
 * request/response types of the method when a loaded .proto has it.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { BodyPayload, BodySide, Exchange, Header } from '../../../shared/model.js';
import { headerValue } from '../../../shared/model.js';
import { decodeGrpcWebText, parseGrpcWebTrailers, splitGrpcFrames } from '../../../shared/grpcFrames.js';
import type { GrpcDirectionView, GrpcMessageView, GrpcMessagesView } from '../../../shared/grpcMessages.js';
import { decodeProtobuf } from '../../../shared/protobufWire.js';
import type { ProtoSchema } from '../../../shared/protoSchema.js';
import { protoMethodOfPath } from '../../../shared/protoSchema.js';

/** Messages decoded per direction; a long stream shows its first ones and counts the rest. */
export const MAX_MESSAGES_SHOWN = 500;
/** A message inflating past this is cut (a decompression bomb costs nothing). */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

async function decompress(payload: Uint8Array, encoding: string | undefined): Promise<Uint8Array> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  const options = { maxOutputLength: MAX_INFLATED_BYTES };
  // gRPC's compression names (doc/compression.md): gzip, deflate (zlib), and NetLens adds br.
  if (name === 'gzip') return gunzip(payload, options);
  if (name === 'deflate') return inflate(payload, options);
  if (name === 'br') return brotli(payload, options);
  if (name === 'identity')
    throw new Error('the message is flagged compressed, but the call said grpc-encoding identity');
  throw new Error(`grpc-encoding ${name} is not one NetLens can decompress (gzip, deflate, br)`);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

async function direction(
  payload: BodyPayload | null,
  sizeBytes: number | undefined,
  text: boolean,
  encoding: string | undefined,
  schema: ProtoSchema,
  typeName: string | undefined,
): Promise<GrpcDirectionView> {
  // An empty body (a trailers-only response) has no messages; a body with bytes but none stored was not captured.
  if (!payload)
    return sizeBytes === 0 ? { messages: [], notShown: 0 } : { messages: [], notShown: 0, missing: true };
  let bytes: Uint8Array = Buffer.from(payload.base64, 'base64');
  if (text) bytes = decodeGrpcWebText(bytes);
  const { frames, leftoverBytes } = splitGrpcFrames(bytes);
  const view: GrpcDirectionView = { messages: [], notShown: 0 };
  if (leftoverBytes > 0) view.leftoverBytes = leftoverBytes;
  let index = 0;
  for (const frame of frames) {
    if (frame.trailers) {
      view.trailers = parseGrpcWebTrailers(frame.payload);
      continue;
    }
    if (view.messages.length >= MAX_MESSAGES_SHOWN) {
      view.notShown += 1;
      index += 1;
      continue;
    }
    const message: GrpcMessageView = { index, lengthBytes: frame.length, compressed: frame.compressed };
    index += 1;
    if (typeName) message.typeName = typeName;
    if (frame.payload.length < frame.length) message.truncated = true;
    let body = frame.payload;
    if (frame.compressed) {
      if (message.truncated) {
        message.error = 'the compressed message was captured only in part';
        view.messages.push(message);
        continue;
      }
      try {
        body = await decompress(body, encoding);
      } catch (error) {
        message.error = `Could not decompress: ${error instanceof Error ? error.message : String(error)}.`;
        view.messages.push(message);
        continue;
      }
    }
    message.decoded = decodeProtobuf(body, { schema, typeName });
    view.messages.push(message);
  }
  return view;
}

/** The messages of a gRPC exchange each way; bodies come from the store, decoded of any content-encoding. */
export async function decodeGrpcExchange(
  exchange: Exchange,
  loadBody: (id: string, side: BodySide) => Promise<BodyPayload | null>,
  schema: ProtoSchema,
): Promise<GrpcMessagesView> {
  const path = pathOf(exchange.request.url);
  const method = protoMethodOfPath(schema, path);
  const text = exchange.grpc?.web === 'text';
  const encodingOf = (headers: readonly Header[] | undefined) =>
    headers ? headerValue(headers, 'grpc-encoding') : undefined;
  const [requestBody, responseBody] = await Promise.all([
    loadBody(exchange.id, 'request'),
    exchange.response ? loadBody(exchange.id, 'response') : Promise.resolve(null),
  ]);
  return {
    method: path.replace(/^\/+/, ''),
    schemaMethod: method !== undefined,
    request: await direction(
      requestBody,
      exchange.request.body.sizeBytes,
      text,
      encodingOf(exchange.request.headers) ?? exchange.grpc?.encoding,
      schema,
      method?.requestType,
    ),
    response: exchange.response
      ? await direction(
          responseBody,
          exchange.response.body.sizeBytes,
          text,
          encodingOf(exchange.response.headers),
          schema,
          method?.responseType,
        )
      : { messages: [], notShown: 0, missing: true },
  };
}
