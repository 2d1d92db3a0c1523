/**
 * Autocomplete of the filter box: the term under the caret is completed with a key of the
 * filter language (FILTER_KEYS, with its description), then with that key's values — the forms
 * the key documents and the values seen in the traffic (hosts, methods, sources, error classes).
 * Pure: the box renders what this returns and applies the chosen completion.
 */
import { FILTER_KEYS } from '../../../shared/filter';

export interface Suggestion {
  /** What the list shows and inserts (`status:`, `status:5xx`). */
  text: string;
  description: string;
  /** A key completion keeps the list open for its values. */
  kind: 'key' | 'value';
}

export interface TermAtCaret {
  start: number;
  end: number;
  negated: boolean;
  key?: string;
  value: string;
}

/** The whitespace-separated term the caret is in or just after. */
export function termAtCaret(text: string, caret: number): TermAtCaret {
  let start = caret;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start -= 1;
  let end = caret;
  while (end < text.length && !/\s/.test(text[end]!)) end += 1;
  let term = text.slice(start, caret);
  const negated = term.startsWith('-');
  if (negated) term = term.slice(1);
  const colon = term.indexOf(':');
  // As the filter reads it: `http://…` is free text, not the key `http`.
  if (colon > 0 && /^[a-z][a-z-]*$/i.test(term.slice(0, colon)) && !term.startsWith('//', colon + 1))
    return { start, end, negated, key: term.slice(0, colon).toLowerCase(), value: term.slice(colon + 1) };
  return { start, end, negated, value: term };
}

const MAX_SUGGESTIONS = 12;

/** Suggestions for the term under the caret; `seen` holds values from the traffic per key. */
export function filterSuggestions(
  text: string,
  caret: number,
  seen: Readonly<Record<string, readonly string[]>> = {},
): Suggestion[] {
  const term = termAtCaret(text, caret);
  const sign = term.negated ? '-' : '';
  if (term.key === undefined) {
    const prefix = term.value.toLowerCase();
    if (prefix === '' && !term.negated) return [];
    return Object.entries(FILTER_KEYS)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, spec]) => ({ text: `${sign}${key}:`, description: spec.description, kind: 'key' as const }))
      .slice(0, MAX_SUGGESTIONS);
  }
  const spec = FILTER_KEYS[term.key];
  if (!spec) return [];
  const prefix = term.value.toLowerCase();
  const out: Suggestion[] = [];
  const added = new Set<string>();
  const add = (value: string, description: string) => {
    const lower = value.toLowerCase();
    if (added.has(lower) || !lower.startsWith(prefix) || lower === prefix) return;
    added.add(lower);
    out.push({ text: `${sign}${term.key}:${value}`, description, kind: 'value' });
  };
  // Values from the traffic first: they are what the user is looking at.
  for (const value of seen[term.key] ?? []) add(value, 'seen in this session');
  for (const form of spec.values ?? []) add(form.value, form.description);
  return out.slice(0, MAX_SUGGESTIONS);
}

/** The text with the term under the caret replaced by `suggestion`; the new caret position. */
export function applySuggestion(
  text: string,
  caret: number,
  suggestion: Suggestion,
): { text: string; caret: number } {
  const term = termAtCaret(text, caret);
  const before = text.slice(0, term.start);
  const after = text.slice(term.end);
  // A value completes the term: a space follows, so the next term can be typed at once.
  const insert =
    suggestion.kind === 'value' && !after.startsWith(' ') ? `${suggestion.text} ` : suggestion.text;
  return { text: `${before}${insert}${after}`, caret: before.length + insert.length };
}
