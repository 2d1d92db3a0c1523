/**
 * How NetLens writes sizes, durations and "unknown value" errors for people: one rule for the UI,
 * the terminal and the messages, so a failure's time or a body's size reads the same everywhere.
 */

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Sizes in IEC binary units (1 KiB = 1024 bytes, IEC 80000-13), as the filter's `larger:100k`
 * counts them: `512 B`, `1.5 KiB`, `20 KiB`, `5.0 MiB`. One decimal below 10, whole numbers above.
 * `missing` is written for an unknown size.
 */
export function formatBytes(bytes: number | undefined, missing = ''): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return missing;
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  if (Math.round(bytes) < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Decide on the rounded value, so 1023.96 KiB reads `1.0 MiB`, never `1024 KiB`.
  while (roundForBytes(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

function roundForBytes(value: number): number {
  return value < 9.95 ? Math.round(value * 10) / 10 : Math.round(value);
}

/**
 * Durations: `0 ms`, `< 0.01 ms`, `0.25 ms`, `3.2 ms`, `42 ms`, `3000 ms`, `12.3 s`, `125 s`. Two decimals below
 * 1 ms, one below 10 ms, whole milliseconds below 10 s, then seconds. The band is chosen on the
 * rounded value (9.96 ms is `10 ms`, not `10.0 ms`). `missing` is written for an unknown time.
 */
export function formatDurationMs(ms: number | undefined, missing = ''): string {
  if (ms === undefined || !Number.isFinite(ms)) return missing;
  if (ms < 0) return `-${formatDurationMs(-ms)}`;
  if (ms === 0) return '0 ms';
  const hundredths = Math.round(ms * 100) / 100;
  // A cached DNS answer takes microseconds: say it is tiny rather than write 0.
  if (hundredths === 0) return '< 0.01 ms';
  if (hundredths < 1) return `${hundredths.toFixed(2)} ms`;
  const tenths = Math.round(ms * 10) / 10;
  if (tenths < 10) return `${tenths.toFixed(1)} ms`;
  const whole = Math.round(ms);
  if (whole < 10_000) return `${whole} ms`;
  const seconds = Math.round(ms / 100) / 10;
  if (seconds < 100) return `${seconds.toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** `a, b or c`. */
export function formatChoices(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/**
 * The one wording for a value that is not among the known ones, with the closest known value when
 * it looks like a typo: `"stauts" is not a filter key (did you mean status?); use method, status or host`.
 * `what` carries its article (`a filter key`, `an error class`).
 */
export function unknownValueMessage(what: string, value: string, known: readonly string[]): string {
  const suggestion = closest(value, known);
  return `"${value}" is not ${what}${suggestion !== undefined ? ` (did you mean ${suggestion}?)` : ''}; use ${formatChoices(known)}`;
}

/** The known value within two edits of `value` (case-insensitive), if there is exactly one best. */
function closest(value: string, known: readonly string[]): string | undefined {
  const wanted = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= Math.max(1, wanted.length / 3)
    ? best
    : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]!.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]!.push(d);
    }
  }
  return rows[a.length]![b.length]!;
}
