/**
 * Parses traceroute (Linux and BSD/macOS), tracepath (Linux iputils) and tracert (Windows)
 * into hops with times. Pure, tested against recorded outputs (tests/fixtures/system/).
 */
import type { TraceHop } from '../../../shared/probe.js';

export interface ParsedTrace {
  destination?: string;
  hops: TraceHop[];
  /** The tool said so (tracepath `reached`), or the last hop answered from the destination. */
  reachedDestination: boolean;
}

function emptyHop(hop: number): TraceHop {
  return { hop, addresses: [], hostnames: [], timesMs: [], timeouts: 0, notes: [] };
}

function addAddress(hop: TraceHop, hostname: string | undefined, address: string): void {
  if (!hop.addresses.includes(address)) hop.addresses.push(address);
  if (hostname && hostname !== address && !hop.hostnames.includes(hostname)) hop.hostnames.push(hostname);
}

function finish(hops: TraceHop[], destination: string | undefined, reached: boolean): ParsedTrace {
  const last = hops[hops.length - 1];
  const reachedDestination =
    reached || (destination !== undefined && last !== undefined && last.addresses.includes(destination));
  return { ...(destination ? { destination } : {}), hops, reachedDestination };
}

/** `traceroute`: ` 4  name (ip)  10.9 ms name2 (ip2)  11.2 ms *` and `-n` form `4  ip  10.9 ms`. */
export function parseTraceroute(text: string): ParsedTrace {
  const destination = /^traceroute6? to \S+ \(([^)]+)\)/m.exec(text)?.[1];
  const hops: TraceHop[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const hop = emptyHop(Number(m[1]));
    const token = /(\*)|([^\s()]+)\s+\(([^)]+)\)|([\d.]+)\s+ms|(![A-Za-z0-9<>]*)|(\S+)/g;
    for (const t of m[2]!.matchAll(token)) {
      if (t[1]) hop.timeouts += 1;
      else if (t[3]) addAddress(hop, t[2], t[3]);
      else if (t[4]) hop.timesMs.push(Number(t[4]));
      else if (t[5]) {
        if (!hop.notes.includes(t[5])) hop.notes.push(t[5]);
      } else if (t[6]) addAddress(hop, undefined, t[6]);
    }
    hops.push(hop);
  }
  return finish(hops, destination, false);
}

/** `tracepath`: ` 4:  198.51.100.9   10.877ms asymm  5`, several lines per hop, `no reply`, `reached`. */
export function parseTracepath(text: string): ParsedTrace {
  const hops = new Map<number, TraceHop>();
  let reached = false;
  let destination: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)(\??):\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    const rest = m[3]!.trim();
    if (rest.startsWith('[LOCALHOST]')) continue; // the local MTU probe, not a hop
    const hop = hops.get(n) ?? emptyHop(n);
    hops.set(n, hop);
    if (rest === 'no reply') {
      hop.timeouts += 1;
      continue;
    }
    const parts = /^(\S+)(?:\s+\(([^)]+)\))?\s+([\d.]+)ms\s*(.*)$/.exec(rest);
    if (!parts) continue;
    const [, name, ip, time, note] = parts;
    addAddress(hop, ip ? name : undefined, ip ?? name!);
    hop.timesMs.push(Number(time));
    const trimmed = (note ?? '').replace(/\s+/g, ' ').trim();
    if (trimmed !== '') {
      if (!hop.notes.includes(trimmed)) hop.notes.push(trimmed);
      if (trimmed.startsWith('reached')) {
        reached = true;
        destination = ip ?? name;
      }
    }
  }
  return finish(
    [...hops.values()].sort((a, b) => a.hop - b.hop),
    destination,
    reached,
  );
}

/** Windows `tracert`: `  4    11 ms    10 ms    11 ms  name [ip]`, `*` and `Request timed out.` */
export function parseTracert(text: string): ParsedTrace {
  const destination =
    /^Tracing route to \S+ \[([^\]]+)\]/m.exec(text)?.[1] ?? /^Tracing route to (\S+)/m.exec(text)?.[1];
  const hops: TraceHop[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+((?:(?:<?\d+\s+ms|\*)\s+){3})(.*)$/.exec(line);
    if (!m) continue;
    const hop = emptyHop(Number(m[1]));
    for (const t of m[2]!.matchAll(/(<?)(\d+)\s+ms|\*/g)) {
      if (t[0] === '*') hop.timeouts += 1;
      // `<1 ms`: under a millisecond; half of it is the fairest number.
      else hop.timesMs.push(t[1] === '<' ? 0.5 : Number(t[2]));
    }
    const rest = m[3]!.trim();
    const named = /^(\S+)\s+\[([^\]]+)\]/.exec(rest);
    if (named) addAddress(hop, named[1], named[2]!);
    else if (/^[0-9a-f.:]+$/i.test(rest)) addAddress(hop, undefined, rest);
    else if (rest !== '') hop.notes.push(rest.replace(/\.$/, ''));
    hops.push(hop);
  }
  return finish(hops, destination, false);
}
