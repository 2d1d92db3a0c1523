/**
 * Which local sockets are listening, and which process holds each: the answer to "port 8899 is
 * in use — by whom?" for `netlens proxy`, and a local diagnostic for the probes.
 *
 * Each OS tells it differently, so the parsing of each tool's output is a pure function (tested
 * against recorded outputs in tests/fixtures/system/) and the I/O is kept apart:
 * - Linux: /proc/net/{tcp,tcp6,udp,udp6} give the sockets and their inodes; /proc/PID/fd links
 *   (`socket:[INODE]`) give the owner. No external tool needed; `ss -ltnup` and then `lsof` are
 *   fallbacks when /proc is not readable.
 * - macOS: `lsof -nP -iTCP -sTCP:LISTEN` and `lsof -nP -iUDP`.
 * - Windows: `netstat -ano` for the sockets and `tasklist /fo csv /nh` for the process names.
 * Whatever a tool cannot tell (another user's process, a missing tool) stays `undefined`: the
 * socket is still listed, without its owner.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import os from 'node:os';
import { unbracketHost } from '../../../shared/address.js';

export interface ListeningSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  pid?: number;
  command?: string;
}

/** A socket as /proc/net lists it, before its owner is known. */
export interface ProcNetSocket {
  protocol: ListeningSocket['protocol'];
  address: string;
  port: number;
  inode: number;
}

// /proc/net/tcp `st` column: include/net/tcp_states.h. TCP_LISTEN is 0x0A; an unconnected UDP
// socket is TCP_CLOSE (0x07) with a zero remote address.
const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

const EXEC_TIMEOUT_MS = 5000;

// ───────────────────────────── Linux: /proc ─────────────────────────────

/**
 * Parses /proc/net/tcp, tcp6, udp or udp6. The kernel prints each address as the raw bytes of
 * the in-memory value in host order: on a little-endian host 127.0.0.1 reads `0100007F`, and an
 * IPv6 address is four such 32-bit words. The port is printed in host order already.
 */
export function parseProcNet(
  text: string,
  protocol: ListeningSocket['protocol'],
  littleEndian = os.endianness() === 'LE',
): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  const isTcp = protocol === 'tcp' || protocol === 'tcp6';
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [, local, remote, state] = fields;
    const inode = Number(fields[9]);
    if (!local || !remote || !state) continue;
    if (isTcp ? state !== TCP_LISTEN : state !== UDP_UNCONNECTED || !/^0+:0+$/.test(remote)) continue;
    const [hexAddress, hexPort] = local.split(':');
    if (!hexAddress || !hexPort) continue;
    const address = decodeProcAddress(hexAddress, littleEndian);
    const port = parseInt(hexPort, 16);
    if (address === undefined || !Number.isFinite(port)) continue;
    sockets.push({ protocol, address, port, inode: Number.isFinite(inode) ? inode : 0 });
  }
  return sockets;
}

function decodeProcAddress(hex: string, littleEndian: boolean): string | undefined {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined;
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes: number[] = [];
    for (let i = 0; i < 8; i += 2) wordBytes.push(parseInt(hex.slice(word + i, word + i + 2), 16));
    if (littleEndian) wordBytes.reverse();
    bytes.push(...wordBytes);
  }
  return bytes.length === 4 ? bytes.join('.') : formatIpv6(bytes);
}

/** RFC 5952 text form: lowercase, longest run of zero groups as `::`, IPv4-mapped as dotted quad. */
export function formatIpv6(bytes: readonly number[]): string {
  const isV4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isV4Mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    // RFC 5952 4.2.2: a single zero group is not shortened.
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Maps socket inodes to pids from `/proc/PID/fd/*` link targets (`socket:[12345]`). */
export function mapSocketInodes(processes: { pid: number; fdLinks: string[] }[]): Map<number, number> {
  const owners = new Map<number, number>();
  for (const { pid, fdLinks } of processes) {
    for (const link of fdLinks) {
      const match = /^socket:\[(\d+)\]$/.exec(link);
      // The first holder wins: a forked child inherits its parent's listening socket.
      if (match && !owners.has(Number(match[1]))) owners.set(Number(match[1]), pid);
    }
  }
  return owners;
}

async function listFromProc(): Promise<ListeningSocket[]> {
  const files: [string, ListeningSocket['protocol']][] = [
    ['/proc/net/tcp', 'tcp'],
    ['/proc/net/tcp6', 'tcp6'],
    ['/proc/net/udp', 'udp'],
    ['/proc/net/udp6', 'udp6'],
  ];
  const sockets: ProcNetSocket[] = [];
  let readAny = false;
  for (const [file, protocol] of files) {
    try {
      sockets.push(...parseProcNet(await readFile(file, 'utf8'), protocol));
      readAny = true;
    } catch {
      // tcp6/udp6 are absent on a kernel without IPv6: the others still count.
    }
  }
  if (!readAny) throw new Error('/proc/net is not readable');
  const wanted = new Set(sockets.map((s) => s.inode).filter((inode) => inode > 0));
  const owners = await procSocketOwners(wanted);
  const commands = new Map<number, string | undefined>();
  const result: ListeningSocket[] = [];
  for (const socket of sockets) {
    const pid = owners.get(socket.inode);
    let command: string | undefined;
    if (pid !== undefined) {
      if (!commands.has(pid)) commands.set(pid, await procCommand(pid));
      command = commands.get(pid);
    }
    result.push(
      withOwner({ protocol: socket.protocol, address: socket.address, port: socket.port }, pid, command),
    );
  }
  return result;
}

async function procSocketOwners(wanted: Set<number>): Promise<Map<number, number>> {
  if (wanted.size === 0) return new Map();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return new Map();
  }
  const processes: { pid: number; fdLinks: string[] }[] = [];
  let found = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or it just exited
    }
    const fdLinks: string[] = [];
    for (const fd of fds) {
      try {
        const link = await readlink(`/proc/${entry}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match && wanted.has(Number(match[1]))) {
          fdLinks.push(link);
          found += 1;
        }
      } catch {
        // the fd closed while we looked
      }
    }
    if (fdLinks.length > 0) processes.push({ pid: Number(entry), fdLinks });
    if (found >= wanted.size) break;
  }
  return mapSocketInodes(processes);
}

async function procCommand(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

// ───────────────────────────── Linux: ss ─────────────────────────────

/**
 * Parses `ss -ltnp` (or `ss -ltunp`, which adds a Netid column). The Process column looks like
 * `users:(("node",pid=6894,fd=21))`; it is empty for another user's process unless run as root.
 */
export function parseSs(text: string): ListeningSocket[] {
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  const hasNetid = /^\s*Netid/i.test(header);
  const sockets: ListeningSocket[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const offset = hasNetid ? 1 : 0;
    const netid = hasNetid ? fields[0]! : 'tcp';
    if (netid !== 'tcp' && netid !== 'udp') continue;
    const local = fields[3 + offset];
    if (!local) continue;
    const endpoint = splitHostPort(local);
    if (!endpoint) continue;
    const process = fields.slice(5 + offset).join(' ');
    const owner = /\("([^"]*)",pid=(\d+)/.exec(process);
    const address = endpoint.host === '*' ? '::' : endpoint.host.replace(/%.*$/, '');
    const v6 = address.includes(':');
    sockets.push(
      withOwner(
        { protocol: `${netid}${v6 ? '6' : ''}` as ListeningSocket['protocol'], address, port: endpoint.port },
        owner ? Number(owner[2]) : undefined,
        owner?.[1],
      ),
    );
  }
  return sockets;
}

// ───────────────────────────── lsof (macOS, Linux fallback) ─────────────────────────────

/**
 * Parses `lsof -nP -iTCP -sTCP:LISTEN` or `lsof -nP -iUDP`. Columns: COMMAND PID USER FD TYPE
 * DEVICE SIZE/OFF NODE NAME, where TYPE is IPv4/IPv6, NODE is TCP/UDP and NAME is
 * `ADDR:PORT (LISTEN)`; a connected UDP socket has `->` in NAME and is not listening.
 */
export function parseLsof(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const match = /^(\S+)\s+(\d+)\s.*\s(IPv[46])\s.*\s(TCP|UDP)\s+(\S+)(?:\s+\((\w+)\))?\s*$/.exec(
      line.trim(),
    );
    if (!match) continue;
    const [, command, pid, family, node, name, state] = match;
    if (name!.includes('->')) continue;
    if (node === 'TCP' && state !== undefined && state !== 'LISTEN') continue;
    const endpoint = splitHostPort(name!);
    if (!endpoint) continue;
    const v6 = family === 'IPv6';
    const address = endpoint.host === '*' ? (v6 ? '::' : '0.0.0.0') : endpoint.host;
    const protocol = `${node!.toLowerCase()}${v6 ? '6' : ''}` as ListeningSocket['protocol'];
    // lsof escapes unprintable bytes and spaces in COMMAND as \xNN.
    const decoded = command!.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    sockets.push(withOwner({ protocol, address, port: endpoint.port }, Number(pid), decoded));
  }
  return sockets;
}

// ───────────────────────────── Windows ─────────────────────────────

/**
 * Parses `netstat -ano`. The State column is translated on non-English Windows, so a TCP socket
 * counts as listening by its foreign address (`0.0.0.0:0` or `[::]:0`), not by the word; UDP rows
 * have no state and a `*:*` foreign address.
 */
export function parseNetstat(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    const proto = fields[0]?.toUpperCase();
    if (proto !== 'TCP' && proto !== 'UDP') continue;
    const local = splitHostPort(fields[1] ?? '');
    const foreign = fields[2] ?? '';
    const pid = Number(fields[fields.length - 1]);
    if (!local || !Number.isInteger(pid)) continue;
    if (proto === 'TCP' && foreign !== '0.0.0.0:0' && foreign !== '[::]:0') continue;
    if (proto === 'UDP' && foreign !== '*:*') continue;
    const address = local.host.replace(/%.*$/, '');
    const v6 = address.includes(':');
    const protocol = `${proto.toLowerCase()}${v6 ? '6' : ''}` as ListeningSocket['protocol'];
    // PID 0 is the System Idle Process: it stands for "no owner" here.
    sockets.push(withOwner({ protocol, address, port: local.port }, pid > 0 ? pid : undefined, undefined));
  }
  return sockets;
}

/** Parses `tasklist /fo csv /nh` into pid → image name. */
export function parseTasklist(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^"([^"]*)","(\d+)"/.exec(line.trim());
    if (match) names.set(Number(match[2]), match[1]!);
  }
  return names;
}

// ───────────────────────────── shared ─────────────────────────────

function splitHostPort(text: string): { host: string; port: number } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

function withOwner(
  socket: Omit<ListeningSocket, 'pid' | 'command'>,
  pid: number | undefined,
  command: string | undefined,
): ListeningSocket {
  return {
    ...socket,
    ...(pid !== undefined ? { pid } : {}),
    ...(command !== undefined && command !== '' ? { command } : {}),
  };
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: EXEC_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout) => {
        // lsof exits 1 when nothing matched, with an empty but valid output.
        if (error && stdout === '') reject(error);
        else resolve(stdout);
      },
    );
  });
}

async function listLinux(): Promise<ListeningSocket[]> {
  try {
    return await listFromProc();
  } catch {
    // /proc not mounted or hidden (some containers): ask the tools.
  }
  try {
    return parseSs(await run('ss', ['-ltunp']));
  } catch {
    return listWithLsof();
  }
}

async function listWithLsof(): Promise<ListeningSocket[]> {
  const results = await Promise.allSettled([
    run('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN']),
    run('lsof', ['-nP', '-iUDP']),
  ]);
  const sockets: ListeningSocket[] = [];
  for (const result of results) if (result.status === 'fulfilled') sockets.push(...parseLsof(result.value));
  if (results.every((r) => r.status === 'rejected')) throw new Error('lsof is not available');
  return sockets;
}

async function listWindows(): Promise<ListeningSocket[]> {
  const sockets = parseNetstat(await run('netstat', ['-ano']));
  let names = new Map<number, string>();
  try {
    names = parseTasklist(await run('tasklist', ['/fo', 'csv', '/nh']));
  } catch {
    // Without tasklist the pid alone still says who it is.
  }
  return sockets.map((s) =>
    s.pid !== undefined && names.has(s.pid) ? { ...s, command: names.get(s.pid) } : s,
  );
}

/** Every listening TCP socket and bound, unconnected UDP socket on this machine. */
export async function listListeningSockets(platform = process.platform): Promise<ListeningSocket[]> {
  if (platform === 'linux') return listLinux();
  if (platform === 'win32') return listWindows();
  return listWithLsof();
}

const WILDCARDS = new Set(['0.0.0.0', '::', '*']);

/**
 * The TCP listener that holds `port` (for `host`, when given: an exact address or a wildcard
 * that covers it). Prefers an entry whose owner is known. Undefined when no listener is visible
 * or the OS tools are unavailable — the caller then simply doesn't name a process.
 */
export async function findPortOwner(port: number, host?: string): Promise<ListeningSocket | undefined> {
  let sockets: ListeningSocket[];
  try {
    sockets = await listListeningSockets();
  } catch {
    return undefined;
  }
  return pickPortOwner(sockets, port, host);
}

/** The pure part of findPortOwner. */
export function pickPortOwner(
  sockets: readonly ListeningSocket[],
  port: number,
  host?: string,
): ListeningSocket | undefined {
  const wanted = host === undefined ? undefined : unbracketHost(host).toLowerCase();
  const candidates = sockets.filter(
    (s) =>
      (s.protocol === 'tcp' || s.protocol === 'tcp6') &&
      s.port === port &&
      (wanted === undefined ||
        WILDCARDS.has(wanted) ||
        WILDCARDS.has(s.address) ||
        s.address.toLowerCase() === wanted ||
        (wanted === 'localhost' && (s.address === '127.0.0.1' || s.address === '::1'))),
  );
  const exact = candidates.filter((s) => s.address.toLowerCase() === wanted);
  const ranked = [...exact, ...candidates];
  return ranked.find((s) => s.pid !== undefined) ?? ranked[0];
}
