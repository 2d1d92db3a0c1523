/**
 * Colours of the overview's series, stable per name so a class keeps its colour across charts,
 * and the hues of the traffic list's outcome tones (renderer/statusTone.ts): success green in
 * every chart, 4xx amber, 5xx orange, network errors (each error class) in shades of red.
 */
const FIXED: Record<string, string> = {
  ok: '#2e7d32',
  '2xx': '#2e7d32',
  '3xx': '#1a6ce0',
  '4xx': '#e0a100',
  '5xx': '#e65100',
  error: '#c62828',
};

/**
 * Error classes (and injected ones) are failures with no usable response: shades of the error red,
 * so a refused connection reads as an error in every chart, never as a colour of its own that
 * could be taken for a status class or a timing phase.
 */
const ERROR_SHADES = ['#c62828', '#8e0000', '#d81b60', '#ad1457', '#e53935', '#880e4f', '#b71c1c', '#6d1b1b'];

/** Whether a series is a status class (or the successes), with a colour of its own. */
export function isStatusSeries(name: string): boolean {
  return Object.hasOwn(FIXED, name);
}

/** A series' colour; `index` picks the shade of an error class (its place among the error series). */
export function seriesColor(name: string, index = 0): string {
  return FIXED[name] ?? ERROR_SHADES[Math.max(0, index) % ERROR_SHADES.length]!;
}
