import { describe, expect, it } from 'vitest';
import { editableHeaders, headersToLines, parseHeaderLines } from '@renderer/views/replay/headerLines.js';
import { headers } from '@fixtures/exchangeFactory.js';

describe('header lines of the replay editor', () => {
  it('round-trips order, case, duplicates and values with colons', () => {
    const list = [
      { name: 'Accept', value: '*/*' },
      { name: 'X-A', value: '1' },
      { name: 'x-a', value: '2' },
      { name: 'Referer', value: 'http://h:1/p' },
    ];
    expect(parseHeaderLines(headersToLines(list))).toEqual({ ok: true, headers: list });
  });

  it('skips blank lines, trims values, names the line of a problem', () => {
    expect(parseHeaderLines('\nA:  b  \n\n')).toEqual({ ok: true, headers: [{ name: 'A', value: 'b' }] });
    expect(parseHeaderLines('A: b\nno colon')).toMatchObject({ ok: false, line: 2 });
    expect(parseHeaderLines('Bad Name: x')).toMatchObject({
      ok: false,
      line: 1,
      problem: /not a header name/,
    });
    expect(parseHeaderLines(': x')).toMatchObject({ ok: false, line: 1 });
  });

  it('starts from the recorded headers without those the replay sets itself', () => {
    const recorded = headers({
      Host: 'h',
      'Content-Length': '3',
      Connection: 'keep-alive',
      'Content-Encoding': 'gzip',
      Accept: '*/*',
    });
    expect(editableHeaders(recorded, false).map((h) => h.name)).toEqual(['Content-Encoding', 'Accept']);
    expect(editableHeaders(recorded, true).map((h) => h.name)).toEqual(['Accept']);
  });
});
