import type { Header } from '../../../shared/model.js';

/**
 * Recorded heads repeat the same field names and mostly the same values exchange after
 * exchange, yet the HTTP parser hands out fresh strings every time, and each stored exchange
 * would keep its own copies (~30 bytes a string, a dozen strings a head). One shared copy of
 * each short string keeps the heap per stored exchange (and the collector's work over 100 000
 * of them) smaller. The table is bounded: when full it starts over, so one-off values (dates,
 * request ids) cannot make it grow; strings already handed out stay valid.
 */
const MAX_ENTRIES = 4096;
const MAX_LENGTH = 96;

let table = new Map<string, string>();

export function intern(value: string): string {
  if (value.length > MAX_LENGTH) return value;
  const known = table.get(value);
  if (known !== undefined) return known;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(value, value);
  return value;
}

const MAX_HEADERS = 4096;
let headers = new Map<string, Map<string, Header>>();
let headerCount = 0;

/**
 * One shared, frozen `{name, value}` per distinct short field: a stored exchange's head is then
 * mostly references to objects every other exchange shares (fewer objects for the collector to
 * copy and mark). Bounded like `intern`.
 */
export function internHeader(name: string, value: string): Header {
  if (name.length + value.length > MAX_LENGTH) return { name, value };
  let byValue = headers.get(name);
  const known = byValue?.get(value);
  if (known) return known;
  if (headerCount >= MAX_HEADERS) {
    headers = new Map();
    headerCount = 0;
    byValue = undefined;
  }
  if (!byValue) {
    byValue = new Map();
    headers.set(intern(name), byValue);
  }
  const header: Header = Object.freeze({ name: intern(name), value: intern(value) });
  byValue.set(header.value, header);
  headerCount += 1;
  return header;
}

/** `HTTP/1.1` for `1.1`: the label of a message's version, without a new string per message. */
export function httpVersionLabel(version: string): string {
  if (version === '1.1') return 'HTTP/1.1';
  if (version === '1.0') return 'HTTP/1.0';
  return intern(`HTTP/${version}`);
}
