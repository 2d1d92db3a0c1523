import { describe, expect, it } from 'vitest';
import {
  applySuggestion,
  filterSuggestions,
  termAtCaret,
} from '@renderer/views/traffic/filterSuggestions.js';
import { chipActive, FILTER_CHIPS, toggleChip } from '@renderer/views/traffic/filterChips.js';
import { seenFilterValues } from '@renderer/views/traffic/seenFilterValues.js';
import { parseFilter } from '@shared/filter.js';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

describe('filter autocomplete', () => {
  it('finds the term under the caret, with its sign and key', () => {
    expect(termAtCaret('is:error -sta', 13)).toEqual({ start: 9, end: 13, negated: true, value: 'sta' });
    expect(termAtCaret('status:5 host:a', 8)).toMatchObject({ key: 'status', value: '5', start: 0, end: 8 });
    expect(termAtCaret('http://x', 8).key).toBeUndefined();
  });

  it('completes keys with their descriptions, keeping a minus', () => {
    const keys = filterSuggestions('st', 2).map((s) => s.text);
    expect(keys).toEqual(['status:']);
    expect(filterSuggestions('-me', 3)[0]).toMatchObject({ text: '-method:', kind: 'key' });
    expect(filterSuggestions('', 0)).toEqual([]);
    expect(filterSuggestions('zz', 2)).toEqual([]);
  });

  it("completes a key's values: the traffic's first, then the documented forms", () => {
    const seen = { host: ['127.0.0.1:3000', '127.0.0.1:4000'] };
    const hosts = filterSuggestions('host:127', 8, seen).map((s) => s.text);
    expect(hosts).toEqual(['host:127.0.0.1:3000', 'host:127.0.0.1:4000', 'host:127.0.0.1:8080']);
    const states = filterSuggestions('is:', 3).map((s) => s.text);
    expect(states).toContain('is:error');
    expect(states).toContain('is:websocket');
    expect(filterSuggestions('error:connect_r', 15).map((s) => s.text)).toEqual(['error:connect_refused']);
    // Every suggested value parses.
    for (const s of filterSuggestions('status:', 7)) expect(parseFilter(s.text).errors).toEqual([]);
  });

  it('applies a completion in place: a key stays open, a value ends with a space', () => {
    const key = filterSuggestions('is:error st', 11)[0]!;
    expect(applySuggestion('is:error st', 11, key)).toEqual({ text: 'is:error status:', caret: 16 });
    const value = filterSuggestions('status:4', 8)[0]!;
    expect(applySuggestion('status:4 is:error', 8, value)).toEqual({
      text: 'status:404 is:error',
      caret: 10,
    });
    expect(applySuggestion('status:4', 8, value)).toEqual({ text: 'status:404 ', caret: 11 });
  });

  it('reads hosts with ports, methods, sources and error classes from the traffic, most frequent first', () => {
    const seen = seenFilterValues([
      makeExchange({ url: 'http://127.0.0.1:4000/a' }),
      makeExchange({ url: 'http://127.0.0.1:3000/a', method: 'POST' }),
      makeExchange({ url: 'http://127.0.0.1:3000/b' }),
      makeFailedExchange({ class: 'connect_refused' }),
    ]);
    expect(seen.host!.slice(0, 2)).toEqual(['127.0.0.1:3000', '127.0.0.1:4000']);
    expect(seen.method![0]).toBe('GET');
    expect(seen.error).toEqual(['connect_refused']);
  });
});

describe('filter chips', () => {
  const json = FILTER_CHIPS.find((c) => c.label === 'JSON')!;
  const img = FILTER_CHIPS.find((c) => c.label === 'Img')!;
  const errors = FILTER_CHIPS.find((c) => c.label === 'Errors')!;

  it('toggle their term and replace the other chip of their group', () => {
    expect(toggleChip('', json)).toBe('type:json');
    expect(toggleChip('host:a type:json', json)).toBe('host:a');
    expect(toggleChip('host:a type:json', img)).toBe('host:a type:image');
    expect(toggleChip('type:json', errors)).toBe('type:json is:error');
    expect(chipActive('type:json is:error', errors)).toBe(true);
    expect(chipActive('-is:error', errors)).toBe(false);
  });

  it('are terms of the filter language', () => {
    for (const chip of FILTER_CHIPS) expect(parseFilter(chip.term).errors).toEqual([]);
  });
});
