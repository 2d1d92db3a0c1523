/** How numbers, sizes, times and content types are written in the UI, in one place. */

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

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
