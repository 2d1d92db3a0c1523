/**
 * gRPC status codes (grpc/doc/statuscodes.md) and what each says to check. A gRPC call's status
 * comes in its trailers (`grpc-status`, `grpc-message`); like an HTTP 4xx/5xx it is a failed
 * response, not a NetLens error class: the call went through, and the server (or a proxy on the
 * way) said why it failed.
 */
import type { GrpcInfo } from './model.js';

interface GrpcStatusFacts {
  name: string;
  /** What to check when a call ends with it. */
  check: string;
}

export const GRPC_STATUS: readonly GrpcStatusFacts[] = [
  { name: 'OK', check: 'The call succeeded.' },
  {
    name: 'CANCELLED',
    check:
      'The call was cancelled, usually by the client (it gave up, or its context was cancelled): check the client.',
  },
  {
    name: 'UNKNOWN',
    check:
      "The server raised an error gRPC could not map to a status (an uncaught exception in the handler): check the server's logs.",
  },
  {
    name: 'INVALID_ARGUMENT',
    check:
      'The server rejected the request message as invalid, whatever its state: check the fields the client sent.',
  },
  {
    name: 'DEADLINE_EXCEEDED',
    check:
      "The call's deadline (grpc-timeout) expired before it completed: is the server slow, or the client's deadline too short? Compare the call's duration with its grpc-timeout.",
  },
  {
    name: 'NOT_FOUND',
    check: 'The entity the call asked for does not exist: check the identifiers in the request.',
  },
  { name: 'ALREADY_EXISTS', check: 'The entity the call tried to create already exists.' },
  {
    name: 'PERMISSION_DENIED',
    check:
      'The caller is known but not allowed to do this: check its roles and the server-side authorization rules.',
  },
  {
    name: 'RESOURCE_EXHAUSTED',
    check:
      'A quota or limit ran out (rate limit, message size, memory): check the server’s limits and the size of the messages.',
  },
  {
    name: 'FAILED_PRECONDITION',
    check:
      'The system is not in the state the call needs (a precondition failed): fix the state before retrying.',
  },
  {
    name: 'ABORTED',
    check: 'The call was aborted by a concurrency conflict (a transaction abort): retry at a higher level.',
  },
  {
    name: 'OUT_OF_RANGE',
    check: 'The call asked for something past the valid range (reading past the end): check its arguments.',
  },
  {
    name: 'UNIMPLEMENTED',
    check:
      'The server does not implement this method: check the service and method names, and that client and server use the same .proto.',
  },
  {
    name: 'INTERNAL',
    check:
      "An invariant broke inside the server or the gRPC library (a malformed message, a serialization failure): check the server's logs.",
  },
  {
    name: 'UNAVAILABLE',
    check:
      'The service is unavailable right now (down, restarting, overloaded, or a proxy could not reach it): it is usually safe to retry with backoff; check that the server is up and reachable.',
  },
  { name: 'DATA_LOSS', check: 'Unrecoverable data loss or corruption: check the server and its storage.' },
  {
    name: 'UNAUTHENTICATED',
    check:
      'The call carried no valid credentials: check the authorization metadata (tokens, certificates) the client sends.',
  },
];

/** `UNAVAILABLE` for 14; `status 42` for a code gRPC does not define. */
export function grpcStatusName(status: number): string {
  return GRPC_STATUS[status]?.name ?? `status ${status}`;
}

/** The number of a status name (`unavailable` → 14), case-insensitive; undefined if unknown. */
export function grpcStatusOfName(name: string): number | undefined {
  const upper = name.toUpperCase();
  const index = GRPC_STATUS.findIndex((facts) => facts.name === upper);
  return index === -1 ? undefined : index;
}

/** A failed call (any status but OK). */
export function isGrpcFailure(grpc: GrpcInfo | undefined): boolean {
  return grpc?.status !== undefined && grpc.status !== 0;
}

/** What a failed call's status says and what to check, for the UI and the CLI. */
export function grpcDiagnosis(grpc: GrpcInfo): string | undefined {
  if (grpc.status === undefined || grpc.status === 0) return undefined;
  const facts = GRPC_STATUS[grpc.status];
  const what = `The gRPC call ${grpc.service}/${grpc.method} ended with ${grpcStatusName(grpc.status)} (${grpc.status})${
    grpc.message ? `: "${grpc.message}"` : ''
  }.`;
  return `${what} ${facts?.check ?? 'gRPC does not define this status: check the server.'}`;
}

/**
 * The call's service and method from its path (`/pkg.Service/Method`); undefined for a path that
 * is not a gRPC method.
 */
export function grpcMethodOfPath(path: string): { service: string; method: string } | undefined {
  const match = /^\/([^/?#]+)\/([^/?#]+)$/.exec(path.split('?', 1)[0]!);
  return match ? { service: match[1]!, method: match[2]! } : undefined;
}

/** `application/grpc`, `application/grpc+proto`, `application/grpc-web`, `application/grpc-web-text+proto`… */
export function grpcContentKind(contentType: string | undefined): 'grpc' | 'web' | 'web-text' | undefined {
  if (!contentType) return undefined;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/grpc' || type.startsWith('application/grpc+')) return 'grpc';
  if (type === 'application/grpc-web-text' || type.startsWith('application/grpc-web-text+'))
    return 'web-text';
  if (type === 'application/grpc-web' || type.startsWith('application/grpc-web+')) return 'web';
  return undefined;
}

/** grpc-message is percent-encoded (gRPC over HTTP/2, "Responses"): decoded, tolerant of bad escapes. */
export function decodeGrpcMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
