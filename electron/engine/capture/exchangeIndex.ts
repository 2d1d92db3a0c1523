import type { ExchangeKind, ExchangeState } from '../../../shared/model.js';
import type { ExchangeSummary } from '../../../shared/exchangeSummary.js';

/** Where an exchange's full record is in the session's journal (sessionRecordReader.ts reads it). */
export interface RecordLocation {
  segment: number;
  /** Offset of the record's frame in its journal segment, and the frame's length (header included). */
  offset: number;
  length: number;
}

const KINDS: readonly ExchangeKind[] = ['http', 'tunnel', 'websocket'];
const STATES: readonly ExchangeState[] = ['pending', 'complete', 'failed'];

/**
 * Strings that repeat across exchanges (hosts, methods, media types, error classes, client
 * addresses, sources): each kept once, a slot holds its number. Numbers only grow; the table is
 * emptied with the index.
 */
class StringTable {
  private readonly numbers = new Map<string, number>();
  private readonly strings: string[] = [''];

  /** 0 for undefined. */
  numberOf(value: string | undefined): number {
    if (value === undefined) return 0;
    let number = this.numbers.get(value);
    if (number === undefined) {
      number = this.strings.length;
      this.strings.push(value);
      this.numbers.set(value, number);
    }
    return number;
  }

  stringOf(number: number): string | undefined {
    return number === 0 ? undefined : this.strings[number];
  }

  clear(): void {
    this.numbers.clear();
    this.strings.length = 1;
  }
}

/**
 * URLs repeat in real traffic (polling, assets, API calls) but not always: the same text is kept
 * once while it is among the recent ones, with the table emptied when it grows past its bound.
 */
class RecentStrings {
  private readonly seen = new Map<string, string>();
  constructor(private readonly bound: number) {}

  share(value: string): string {
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    if (this.seen.size >= this.bound) this.seen.clear();
    this.seen.set(value, value);
    return value;
  }

  clear(): void {
    this.seen.clear();
  }
}

type Columns = {
  seq: Float64Array;
  startedAtMs: Float64Array;
  /** NaN: unknown (pending). */
  durationMs: Float64Array;
  requestBytes: Float64Array;
  responseBytes: Float64Array;
  offset: Float64Array;
  segment: Uint32Array;
  length: Uint32Array;
  host: Uint32Array;
  clientAddress: Uint32Array;
  contentType: Uint32Array;
  method: Uint32Array;
  errorClass: Uint32Array;
  source: Uint32Array;
  status: Uint16Array;
  kind: Uint8Array;
  state: Uint8Array;
};

const FIRST_SIZE = 1024;

/**
 * The compact record of every stored exchange, by slot of the store's ring: numbers in typed
 * arrays, repeated strings as numbers into tables, and where the full record is on disk. About
 * 100 bytes an exchange plus its URL, against several kilobytes for an `Exchange` with its
 * header lists (docs/sessions.md, "Memory"). The columns grow by doubling up to the capacity.
 */
export class ExchangeIndex {
  private size = 0;
  private columns: Columns;
  private urls: (string | undefined)[] = [];
  private readonly hosts = new StringTable();
  private readonly methods = new StringTable();
  private readonly mediaTypes = new StringTable();
  private readonly errorClasses = new StringTable();
  private readonly clients = new StringTable();
  private readonly sources = new StringTable();
  private readonly recentUrls = new RecentStrings(16_384);

  constructor(private readonly capacity: number) {
    this.columns = makeColumns(Math.min(capacity, FIRST_SIZE));
    this.size = this.columns.seq.length;
  }

  /** Keeps the compact record of the exchange in `slot` (its location, if any, stays). */
  set(slot: number, summary: ExchangeSummary): void {
    this.ensure(slot);
    const c = this.columns;
    c.seq[slot] = summary.seq;
    c.startedAtMs[slot] = summary.startedAtMs;
    c.durationMs[slot] = summary.durationMs ?? Number.NaN;
    c.requestBytes[slot] = summary.requestBytes;
    c.responseBytes[slot] = summary.responseBytes;
    c.host[slot] = this.hosts.numberOf(summary.host);
    c.clientAddress[slot] = this.clients.numberOf(summary.clientAddress);
    c.contentType[slot] = this.mediaTypes.numberOf(summary.contentType);
    c.method[slot] = this.methods.numberOf(summary.method);
    c.errorClass[slot] = this.errorClasses.numberOf(summary.errorClass);
    c.source[slot] = this.sources.numberOf(summary.source);
    c.status[slot] = summary.status ?? 0;
    c.kind[slot] = KINDS.indexOf(summary.kind);
    c.state[slot] = STATES.indexOf(summary.state);
    this.urls[slot] = this.recentUrls.share(summary.url);
  }

  summary(slot: number, id: string): ExchangeSummary {
    const c = this.columns;
    const summary: ExchangeSummary = {
      id,
      seq: c.seq[slot]!,
      kind: KINDS[c.kind[slot]!] ?? 'http',
      state: STATES[c.state[slot]!] ?? 'complete',
      startedAtMs: c.startedAtMs[slot]!,
      method: this.methods.stringOf(c.method[slot]!) ?? '',
      url: this.urls[slot] ?? '',
      host: this.hosts.stringOf(c.host[slot]!) ?? '',
      requestBytes: c.requestBytes[slot]!,
      responseBytes: c.responseBytes[slot]!,
    };
    const durationMs = c.durationMs[slot]!;
    if (!Number.isNaN(durationMs)) summary.durationMs = durationMs;
    if (c.status[slot]! !== 0) summary.status = c.status[slot]!;
    const errorClass = this.errorClasses.stringOf(c.errorClass[slot]!);
    if (errorClass !== undefined) summary.errorClass = errorClass;
    const contentType = this.mediaTypes.stringOf(c.contentType[slot]!);
    if (contentType !== undefined) summary.contentType = contentType;
    const clientAddress = this.clients.stringOf(c.clientAddress[slot]!);
    if (clientAddress !== undefined) summary.clientAddress = clientAddress;
    const source = this.sources.stringOf(c.source[slot]!);
    if (source !== undefined) summary.source = source;
    return summary;
  }

  setLocation(slot: number, location: RecordLocation): void {
    this.ensure(slot);
    this.columns.segment[slot] = location.segment;
    this.columns.offset[slot] = location.offset;
    this.columns.length[slot] = location.length;
  }

  /** Where the slot's full record is on disk; undefined while it is not written (or not known). */
  location(slot: number): RecordLocation | undefined {
    if (slot >= this.size) return undefined;
    const length = this.columns.length[slot]!;
    if (length === 0) return undefined;
    return { segment: this.columns.segment[slot]!, offset: this.columns.offset[slot]!, length };
  }

  segmentOf(slot: number): number | undefined {
    return this.location(slot)?.segment;
  }

  /** Lets the slot go (its exchange was dropped). */
  release(slot: number): void {
    if (slot >= this.size) return;
    this.urls[slot] = undefined;
    this.columns.length[slot] = 0;
  }

  clear(): void {
    this.columns = makeColumns(Math.min(this.capacity, FIRST_SIZE));
    this.size = this.columns.seq.length;
    this.urls = [];
    this.hosts.clear();
    this.methods.clear();
    this.mediaTypes.clear();
    this.errorClasses.clear();
    this.clients.clear();
    this.sources.clear();
    this.recentUrls.clear();
  }

  /** Bytes the columns take (the strings not counted): for the benchmark's report. */
  get columnBytes(): number {
    let total = 0;
    for (const column of Object.values(this.columns)) total += (column as ArrayBufferView).byteLength;
    return total;
  }

  private ensure(slot: number): void {
    if (slot < this.size) return;
    let size = this.size;
    while (size <= slot) size *= 2;
    size = Math.min(Math.max(size, slot + 1), this.capacity);
    const next = makeColumns(size);
    for (const name of Object.keys(next) as (keyof Columns)[])
      (next[name] as Float64Array).set(this.columns[name] as Float64Array);
    this.columns = next;
    this.size = size;
  }
}

function makeColumns(size: number): Columns {
  return {
    seq: new Float64Array(size),
    startedAtMs: new Float64Array(size),
    durationMs: new Float64Array(size),
    requestBytes: new Float64Array(size),
    responseBytes: new Float64Array(size),
    offset: new Float64Array(size),
    segment: new Uint32Array(size),
    length: new Uint32Array(size),
    host: new Uint32Array(size),
    clientAddress: new Uint32Array(size),
    contentType: new Uint32Array(size),
    method: new Uint32Array(size),
    errorClass: new Uint32Array(size),
    source: new Uint32Array(size),
    status: new Uint16Array(size),
    kind: new Uint8Array(size),
    state: new Uint8Array(size),
  };
}
