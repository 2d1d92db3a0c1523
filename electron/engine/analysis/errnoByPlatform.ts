/**
 * The network errnos by platform, so that a number another tool recorded (`[Errno 60] Connect call
 * failed` from Python's asyncio) can be named without knowing the machine it ran on. Each table
 * holds only what socket, connect and name-resolution calls return; a number is named when the
 * platforms that could have produced it agree (60 is ETIMEDOUT on macOS and no network errno on
 * Linux or Windows), or when the recorded text is that errno's own message.
 */

interface Errno {
  name: string;
  /** strerror / gai_strerror / FormatMessage text, lower case. */
  messages: string[];
}

const e = (name: string, ...messages: string[]): Errno => ({ name, messages });

/** Linux (asm-generic/errno.h) and glibc's getaddrinfo codes (netdb.h, negative). */
const LINUX: ReadonlyMap<number, Errno> = new Map([
  [32, e('EPIPE', 'broken pipe')],
  [99, e('EADDRNOTAVAIL', 'cannot assign requested address')],
  [100, e('ENETDOWN', 'network is down')],
  [101, e('ENETUNREACH', 'network is unreachable')],
  [103, e('ECONNABORTED', 'software caused connection abort')],
  [104, e('ECONNRESET', 'connection reset by peer')],
  [110, e('ETIMEDOUT', 'connection timed out')],
  [111, e('ECONNREFUSED', 'connection refused')],
  [112, e('EHOSTDOWN', 'host is down')],
  [113, e('EHOSTUNREACH', 'no route to host')],
  [-2, e('EAI_NONAME', 'name or service not known')],
  [-3, e('EAI_AGAIN', 'temporary failure in name resolution')],
  [-4, e('EAI_FAIL', 'non-recoverable failure in name resolution')],
  [-5, e('EAI_NODATA', 'no address associated with hostname')],
]);

/** macOS and the BSDs (sys/errno.h), and macOS' getaddrinfo codes (netdb.h). */
const DARWIN: ReadonlyMap<number, Errno> = new Map([
  [32, e('EPIPE', 'broken pipe')],
  [49, e('EADDRNOTAVAIL', "can't assign requested address")],
  [50, e('ENETDOWN', 'network is down')],
  [51, e('ENETUNREACH', 'network is unreachable')],
  [53, e('ECONNABORTED', 'software caused connection abort')],
  [54, e('ECONNRESET', 'connection reset by peer')],
  [60, e('ETIMEDOUT', 'operation timed out')],
  [61, e('ECONNREFUSED', 'connection refused')],
  [64, e('EHOSTDOWN', 'host is down')],
  [65, e('EHOSTUNREACH', 'no route to host')],
  [2, e('EAI_AGAIN', 'temporary failure in name resolution')],
  [4, e('EAI_FAIL', 'non-recoverable failure in name resolution')],
  [7, e('EAI_NODATA', 'no address associated with nodename')],
  [8, e('EAI_NONAME', 'nodename nor servname provided, or not known')],
]);

/** Windows Sockets (winerror.h WSAE*), as Python prints them in `[Errno N]` and `[WinError N]`. */
const WINSOCK: ReadonlyMap<number, Errno> = new Map([
  [10049, e('EADDRNOTAVAIL', 'the requested address is not valid in its context')],
  [10050, e('ENETDOWN', 'a socket operation encountered a dead network')],
  [10051, e('ENETUNREACH', 'a socket operation was attempted to an unreachable network')],
  [10053, e('ECONNABORTED', 'an established connection was aborted by the software in your host machine')],
  [10054, e('ECONNRESET', 'an existing connection was forcibly closed by the remote host')],
  [
    10060,
    e(
      'ETIMEDOUT',
      'a connection attempt failed because the connected party did not properly respond after a period of time',
    ),
  ],
  [10061, e('ECONNREFUSED', 'no connection could be made because the target machine actively refused it')],
  [10064, e('EHOSTDOWN', 'a socket operation failed because the destination host was down')],
  [10065, e('EHOSTUNREACH', 'a socket operation was attempted to an unreachable host')],
  [11001, e('EAI_NONAME', 'getaddrinfo failed', 'no such host is known')],
  [
    11002,
    e('EAI_AGAIN', 'getaddrinfo failed', 'this is usually a temporary error during hostname resolution'),
  ],
]);

/** Win32 system errors that asyncio's proactor loop reports for a failed connect (`[WinError N]`). */
const WIN32: ReadonlyMap<number, Errno> = new Map([
  [121, e('ETIMEDOUT', 'the semaphore timeout period has expired')],
  [1225, e('ECONNREFUSED', 'the remote computer refused the network connection')],
  [1231, e('ENETUNREACH', 'the network location cannot be reached')],
  [1232, e('EHOSTUNREACH', 'the network location cannot be reached')],
]);

/** What connect() itself fails with: a number in a "connect failed" text must be one of these. */
export const CONNECT_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'ECONNRESET',
  'ECONNABORTED',
]);

/** Every symbolic name the tables know (`ECONNREFUSED`, `EAI_AGAIN`…). */
export const KNOWN_ERRNO_NAMES: ReadonlySet<string> = new Set(
  [LINUX, DARWIN, WINSOCK, WIN32].flatMap((table) => [...table.values()].map((errno) => errno.name)),
);

/**
 * The symbolic name of errno `number` printed with `message`: `windows` for `[WinError N]`,
 * `any` for `[Errno N]` (POSIX or Winsock). Undefined when the platforms disagree or none has it.
 * `connect` says the text is about a connect call, which rules out names connect cannot return.
 */
export function errnoName(
  number: number,
  message: string,
  source: 'any' | 'windows',
  connect: boolean,
): string | undefined {
  const tables = source === 'windows' ? [WINSOCK, WIN32] : [LINUX, DARWIN, WINSOCK];
  const candidates = tables.map((table) => table.get(number)).filter((errno) => errno !== undefined);
  const text = message.trim().toLowerCase();
  // The errno's own message is the strongest evidence.
  const byMessage = new Set(
    candidates.filter((errno) => errno.messages.some((m) => text.startsWith(m))).map((errno) => errno.name),
  );
  if (byMessage.size === 1) return [...byMessage][0];
  if (!connect) return undefined;
  const byContext = new Set(
    candidates.filter((errno) => CONNECT_ERRNOS.has(errno.name)).map((errno) => errno.name),
  );
  return byContext.size === 1 ? [...byContext][0] : undefined;
}
