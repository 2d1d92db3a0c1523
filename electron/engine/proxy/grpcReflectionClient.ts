/**
 * A client of gRPC server reflection (grpc/doc/server-reflection.md): asks a server for the
 * FileDescriptorProtos that define a service (`file_containing_symbol`), then for the files
 * those import that it did not send (`file_by_filename`), on one ServerReflectionInfo stream of
 * its own HTTP/2 connection. `grpc.reflection.v1` first, `v1alpha` (the same messages) when the
 * server does not implement v1. Bounded: one deadline for all of it, a cap on the files.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import protobuf from 'protobufjs';
import { decodeGrpcMessage, grpcStatusName } from '../../../shared/grpcStatus.js';
import { splitGrpcFrames } from '../../../shared/grpcFrames.js';
import {
  missingDependencies,
  readFileDescriptor,
  type FileDescriptorBytes,
} from '../analysis/protoDescriptors.js';

export interface ReflectionTarget {
  tls: boolean;
  host: string;
  port: number;
  /** `:authority` of the calls (the exchange's). */
  authority: string;
  /** TLS as the exchange's upstream connection had it. */
  rejectUnauthorized?: boolean;
  servername?: string;
  secureContext?: tls.SecureContext;
}

export const REFLECTION_SERVICES = [
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
] as const;
/** Files taken from one server for one service (a service's imports are rarely more than a few dozen). */
const MAX_FILES = 256;
/** Bytes of reflection answers read (descriptors are small; a hostile server gets nowhere). */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Reflection failed; `unimplemented`: the server has no such reflection service. */
export class ReflectionError extends Error {
  constructor(
    message: string,
    readonly unimplemented = false,
  ) {
    super(message);
  }
}

// The two messages of reflection.proto NetLens uses (v1 and v1alpha share the wire format).
const reflectionRoot = protobuf.Root.fromJSON({
  nested: {
    ServerReflectionRequest: {
      fields: {
        host: { type: 'string', id: 1 },
        file_by_filename: { type: 'string', id: 3 },
        file_containing_symbol: { type: 'string', id: 4 },
      },
    },
    ServerReflectionResponse: {
      fields: {
        valid_host: { type: 'string', id: 1 },
        file_descriptor_response: { type: 'FileDescriptorResponse', id: 4 },
        error_response: { type: 'ErrorResponse', id: 7 },
      },
    },
    FileDescriptorResponse: { fields: { file_descriptor_proto: { rule: 'repeated', type: 'bytes', id: 1 } } },
    ErrorResponse: {
      fields: { error_code: { type: 'int32', id: 1 }, error_message: { type: 'string', id: 2 } },
    },
  },
});
const RequestType = reflectionRoot.lookupType('ServerReflectionRequest');
const ResponseType = reflectionRoot.lookupType('ServerReflectionResponse');

interface ReflectionResponse {
  file_descriptor_response?: { file_descriptor_proto?: Uint8Array[] };
  error_response?: { error_code?: number; error_message?: string };
}

function frame(message: Record<string, string>): Buffer {
  const body = RequestType.encode(RequestType.create(message)).finish();
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

function connect(target: ReflectionTarget, deadline: AbortSignal): http2.ClientHttp2Session {
  const host = net.isIPv6(target.host) ? `[${target.host}]` : target.host;
  const authority = `${target.tls ? 'https' : 'http'}://${host}:${target.port}`;
  return http2.connect(authority, {
    settings: { enablePush: false },
    createConnection: () => {
      const socket = target.tls
        ? tls.connect({
            host: target.host,
            port: target.port,
            ALPNProtocols: ['h2'],
            rejectUnauthorized: target.rejectUnauthorized !== false,
            ...(target.servername ? { servername: target.servername } : {}),
            ...(target.secureContext ? { secureContext: target.secureContext } : {}),
          })
        : net.connect({ host: target.host, port: target.port });
      deadline.addEventListener('abort', () => socket.destroy(), { once: true });
      return socket;
    },
  });
}

/**
 * One ServerReflectionInfo stream of `reflectionService`: every file defining `symbol` and its
 * imports. Rejects with a ReflectionError saying why.
 */
function reflectOnce(
  session: http2.ClientHttp2Session,
  target: ReflectionTarget,
  reflectionService: string,
  symbol: string,
): Promise<FileDescriptorBytes[]> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': `/${reflectionService}/ServerReflectionInfo`,
      ':authority': target.authority,
      ':scheme': target.tls ? 'https' : 'http',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': 'NetLens (gRPC reflection)',
    });
    const files = new Map<string, FileDescriptorBytes>();
    const asked = new Set<string>();
    let outstanding = 0;
    let buffer = Buffer.alloc(0);
    let readBytes = 0;
    let settled = false;
    let status: number | undefined;
    let grpcMessage: string | undefined;
    const finish = (error?: ReflectionError): void => {
      if (settled) return;
      settled = true;
      if (error) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(error);
      } else {
        stream.end();
        resolve([...files.values()]);
      }
    };
    const ask = (message: Record<string, string>): void => {
      outstanding += 1;
      stream.write(frame(message));
    };
    const statusError = (): ReflectionError => {
      const name = status === undefined ? 'no status' : `${grpcStatusName(status)} (${status})`;
      return new ReflectionError(
        `${reflectionService} answered ${name}${grpcMessage ? `: ${grpcMessage}` : ''}`,
        status === 12,
      );
    };
    const onMessage = (payload: Uint8Array): void => {
      outstanding -= 1;
      const response = ResponseType.toObject(ResponseType.decode(payload)) as ReflectionResponse;
      if (response.error_response) {
        const { error_code: code, error_message: text } = response.error_response;
        if (files.size === 0)
          return finish(
            new ReflectionError(
              `its reflection does not know ${symbol} (${grpcStatusName(code ?? 2)}${text ? `: ${text}` : ''})`,
            ),
          );
      }
      for (const bytes of response.file_descriptor_response?.file_descriptor_proto ?? []) {
        const file = readFileDescriptor(bytes);
        if (!files.has(file.name)) files.set(file.name, file);
      }
      if (files.size > MAX_FILES)
        return finish(new ReflectionError(`the server sent more than ${MAX_FILES} descriptor files`));
      for (const name of missingDependencies([...files.values()])) {
        if (asked.has(name)) continue;
        asked.add(name);
        ask({ file_by_filename: name });
      }
      if (outstanding === 0) finish();
    };
    stream.on('response', (headers) => {
      const httpStatus = Number(headers[':status']);
      if (headers['grpc-status'] !== undefined) {
        status = Number(headers['grpc-status']);
        grpcMessage = grpcMessageOf(headers['grpc-message']);
      }
      if (httpStatus !== 200)
        finish(new ReflectionError(`${reflectionService} answered HTTP ${httpStatus}`, httpStatus === 404));
    });
    stream.on('trailers', (trailers) => {
      status = Number(trailers['grpc-status']);
      grpcMessage = grpcMessageOf(trailers['grpc-message']);
    });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      readBytes += chunk.length;
      if (readBytes > MAX_RESPONSE_BYTES)
        return finish(new ReflectionError(`the reflection answers passed ${MAX_RESPONSE_BYTES} bytes`));
      buffer = Buffer.concat([buffer, chunk]);
      const { frames, leftoverBytes } = splitGrpcFrames(buffer);
      for (const message of frames) {
        if (settled) return;
        if (message.payload.length < message.length) break;
        try {
          onMessage(message.payload);
        } catch (error) {
          return finish(
            new ReflectionError(
              `a reflection answer is not protobuf NetLens can read (${error instanceof Error ? error.message : String(error)})`,
            ),
          );
        }
      }
      buffer = leftoverBytes > 0 ? buffer.subarray(buffer.length - leftoverBytes) : Buffer.alloc(0);
    });
    stream.on('error', (error: Error) => finish(new ReflectionError(error.message)));
    stream.on('close', () => {
      if (settled) return;
      finish(statusError());
    });
    ask({ file_containing_symbol: symbol });
  });
}

function grpcMessageOf(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined ? undefined : decodeGrpcMessage(text);
}

/**
 * The FileDescriptorProtos defining `symbol` (a service's full name) and what they import, from
 * the server's reflection service; rejects with a ReflectionError naming why not.
 */
export async function fetchReflectionDescriptors(
  target: ReflectionTarget,
  symbol: string,
  timeoutMs: number,
): Promise<FileDescriptorBytes[]> {
  const controller = new AbortController();
  const session = connect(target, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ReflectionError(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
  });
  const sessionFailed = new Promise<never>((_, reject) => {
    session.on('error', (error: Error) => reject(new ReflectionError(error.message)));
    session.on('close', () => reject(new ReflectionError('the connection closed')));
  });
  sessionFailed.catch(() => undefined);
  timeout.catch(() => undefined);
  try {
    let lastError: ReflectionError | undefined;
    for (const service of REFLECTION_SERVICES) {
      try {
        return await Promise.race([reflectOnce(session, target, service, symbol), timeout, sessionFailed]);
      } catch (error) {
        lastError = error instanceof ReflectionError ? error : new ReflectionError(String(error));
        if (!lastError.unimplemented) throw lastError;
      }
    }
    throw new ReflectionError('no reflection service (neither grpc.reflection.v1 nor v1alpha)', true);
  } finally {
    clearTimeout(timer);
    session.close();
    session.destroy();
  }
}
