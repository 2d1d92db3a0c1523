import type { Header } from '../../../shared/model.js';

/**
 * Recorded heads repeat the same field names and mostly the same values exchange after
 * exchange, yet the HTTP parser hands out fresh strings every time, and each stored exchange
 * would keep its own copies (~30 bytes a string, a dozen strings a head). One shared copy of
 * each short string keeps the heap per stored exchange (and the collector's work over 100 000
 * of them) smaller. The tables are bounded: when full they start over, so one-off values
 * (dates, request ids) cannot make them grow; strings already handed out stay valid.
 *
 * One instance per proxy (owned by ProxyServer): two engines in one process share nothing.
 */
const MAX_ENTRIES = 4096;
const MAX_LENGTH = 96;
const MAX_HEADERS = 4096;

export class InternedStrings {
  private strings = new Map<string, string>();
  private headers = new Map<string, Map<string, Header>>();
  private headerCount = 0;

  intern(value: string): string {
    if (value.length > MAX_LENGTH) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size >= MAX_ENTRIES) this.strings = new Map();
    this.strings.set(value, value);
    return value;
  }

  /**
   * One shared, frozen `{name, value}` per distinct short field: a stored exchange's head is then
   * mostly references to objects every other exchange shares (fewer objects for the collector to
   * copy and mark). Bounded like `intern`.
   */
  header(name: string, value: string): Header {
    if (name.length + value.length > MAX_LENGTH) return { name, value };
    let byValue = this.headers.get(name);
    const known = byValue?.get(value);
    if (known) return known;
    if (this.headerCount >= MAX_HEADERS) {
      this.headers = new Map();
      this.headerCount = 0;
      byValue = undefined;
    }
    if (!byValue) {
      byValue = new Map();
      this.headers.set(this.intern(name), byValue);
    }
    const header: Header = Object.freeze({ name: this.intern(name), value: this.intern(value) });
    byValue.set(header.value, header);
    this.headerCount += 1;
    return header;
  }

  /** `HTTP/1.1` for `1.1`: the label of a message's version, without a new string per message. */
  httpVersionLabel(version: string): string {
    if (version === '1.1') return 'HTTP/1.1';
    if (version === '1.0') return 'HTTP/1.0';
    return this.intern(`HTTP/${version}`);
  }
}
