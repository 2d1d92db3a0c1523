/**
 * Source labels: where an exchange came from (`_netlens.source`, the `source:` filter, the Source
 * column). A label is a kind, and for a client NetLens launched or configured, `#N` with N unique
 * within one NetLens run: `chromium#1`, `firefox#2`, `terminal#3`, `docker#4`, `system`, `manual`.
 */

/** Traffic that reached the proxy's main port with nothing saying where it came from. */
export const MANUAL_SOURCE = 'manual';

/** Traffic the operating system's proxy setting sent to NetLens. */
export const SYSTEM_SOURCE = 'system';

/** A kind: lower-case letters, digits and dashes, starting with a letter (`chromium`, `edge`, `terminal`). */
const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const LABEL = /^[a-z][a-z0-9-]{0,31}(#[1-9][0-9]{0,8})?$/;

export function isSourceKind(value: unknown): value is string {
  return typeof value === 'string' && KIND.test(value);
}

export function isSourceLabel(value: unknown): value is string {
  return typeof value === 'string' && LABEL.test(value);
}

/** `chromium#1` → `chromium`; a label without a number is its own kind. */
export function sourceKind(label: string): string {
  const hash = label.indexOf('#');
  return hash === -1 ? label : label.slice(0, hash);
}
