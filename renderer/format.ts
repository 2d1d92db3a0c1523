/** How clock times, content types and chart counts are written in the UI (sizes and durations: shared/format). */

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
