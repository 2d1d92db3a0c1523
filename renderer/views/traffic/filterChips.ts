/**
 * The quick chips under the filter box: resource types and failures, each a term of the filter
 * language that a click adds or removes. The type chips exclude each other (an exchange has one
 * content type, and terms are ANDed); the failure chips too (is:error is within is:failed).
 */
export interface FilterChip {
  label: string;
  term: string;
  title: string;
  group: 'type' | 'failure';
}

export const FILTER_CHIPS: readonly FilterChip[] = [
  { label: 'JSON', term: 'type:json', title: 'Responses with a JSON content type', group: 'type' },
  { label: 'HTML', term: 'type:html', title: 'HTML documents', group: 'type' },
  { label: 'JS', term: 'type:javascript', title: 'Scripts', group: 'type' },
  { label: 'CSS', term: 'type:css', title: 'Stylesheets', group: 'type' },
  { label: 'Img', term: 'type:image', title: 'Images', group: 'type' },
  { label: 'Font', term: 'type:font', title: 'Fonts', group: 'type' },
  { label: 'WS', term: 'is:websocket', title: 'WebSockets', group: 'type' },
  {
    label: 'Errors',
    term: 'is:error',
    title: 'No response: a NetLens error (refused, DNS, TLS, reset…)',
    group: 'failure',
  },
  { label: '4xx/5xx', term: 'is:failed', title: 'An error or an HTTP 4xx/5xx response', group: 'failure' },
];

function terms(text: string): string[] {
  return text.trim() === '' ? [] : text.trim().split(/\s+/);
}

export function chipActive(text: string, chip: FilterChip): boolean {
  return terms(text).some((t) => t.toLowerCase() === chip.term);
}

/** The filter text with the chip's term toggled (and the other chips of its group removed). */
export function toggleChip(text: string, chip: FilterChip): string {
  const active = chipActive(text, chip);
  const group = new Set(FILTER_CHIPS.filter((c) => c.group === chip.group).map((c) => c.term));
  const kept = terms(text).filter((t) => !group.has(t.toLowerCase()));
  if (!active) kept.push(chip.term);
  return kept.join(' ');
}
