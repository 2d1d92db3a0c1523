/** How clock times, content types, chart counts and durations are written in the UI (sizes: shared/format). */
import { formatDurationMs } from '../shared/format';

/** Wall-clock time with milliseconds: `14:03:07.123`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `application/json; charset=utf-8` → `json`, `image/svg+xml` → `svg`, `text/html` → `html`. */
export function shortContentType(contentType: string | undefined): string {
  if (!contentType) return '';
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  const subtype = essence.split('/')[1] ?? essence;
  const plus = subtype.lastIndexOf('+');
  const base = plus >= 0 && subtype.slice(0, plus) !== '' ? subtype.slice(0, plus) : subtype;
  if (base === 'javascript' || base === 'x-javascript' || base === 'ecmascript') return 'js';
  if (base === 'plain') return 'text';
  if (base.startsWith('x-www-form-urlencoded')) return 'form';
  return base.replace(/^x-/, '');
}

/**
 * A count on a chart axis, short enough for a 40 px axis at any session size: `750`, `2.25k`,
 * `100k`, `1.5M` (a plain `100000` is cut off to `.00000`).
 */
export function formatAxisCount(count: number): string {
  const abs = Math.abs(count);
  const short = (value: number, unit: string) => `${Number(value.toFixed(2))}${unit}`;
  if (abs >= 1_000_000) return short(count / 1_000_000, 'M');
  if (abs >= 1000) return short(count / 1000, 'k');
  return String(count);
}

/** U+00A0: a number and its unit never wrap apart. */
const NO_BREAK_SPACE = '\u00a0';

/**
 * A duration as the UI writes it: shared/format's one rounding rule (`0.25 ms`, `3.2 ms`,
 * `42 ms`, `12.3 s`), with a no-break space so a narrow cell never puts the unit on a line of
 * its own. Every view writes durations with this.
 */
export function formatDuration(ms: number | undefined, missing = ''): string {
  return formatDurationMs(ms, missing).replace(' ', NO_BREAK_SPACE);
}

/** A message from the engine (`refused after 4.4 ms`) with its numbers glued to their units. */
export function keepUnitsTogether(text: string): string {
  return text.replace(/(\d) (ms|s|B|KiB|MiB|GiB|%)(?![\p{L}\d])/gu, `$1${NO_BREAK_SPACE}$2`);
}
