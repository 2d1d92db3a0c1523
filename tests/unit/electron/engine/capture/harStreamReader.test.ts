import { describe, expect, it } from 'vitest';
import { HarStreamReader } from '@engine/capture/harStreamReader.js';

function read(text: string, chunkBytes = 7): { head: Record<string, unknown>[]; entries: unknown[] } {
  const head: Record<string, unknown>[] = [];
  const entries: unknown[] = [];
  const reader = new HarStreamReader({ head: (log) => head.push(log), entry: (raw) => entries.push(raw) });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkBytes) reader.write(bytes.subarray(i, i + chunkBytes));
  reader.end();
  return { head, entries };
}

const HAR = {
  log: {
    version: '1.2',
    creator: { name: 'test', version: '1' },
    entries: [
      {
        request: {
          method: 'GET',
          url: 'http://127.0.0.1/a',
          headers: [{ name: 'X', value: 'a "quoted" }' }],
        },
      },
      { request: { method: 'POST', url: 'http://127.0.0.1/b', headers: [] }, n: 1.5e3, ok: true, no: null },
    ],
  },
};

describe('HarStreamReader', () => {
  it('yields the log head and every entry as JSON.parse would, whatever the chunking', () => {
    const text = JSON.stringify(HAR, null, 2);
    for (const chunk of [1, 3, 7, 64, text.length]) {
      const { head, entries } = read(text, chunk);
      expect(entries).toEqual(HAR.log.entries);
      expect(head[0]).toMatchObject({ version: '1.2', creator: { name: 'test', version: '1' } });
    }
  });

  it('names the line and column of a broken value, and the entry', () => {
    const text =
      '{"log": {"entries": [\n  {"request": {"headers": [{"name": "Cookie", "value": sekrit}]}}]}}';
    expect(() => read(text)).toThrow(
      /^The file is not valid JSON: .+ \(line 2, column \d+\), in log\.entries\[0\]\.$/,
    );
    try {
      read(text);
    } catch (error) {
      const column = Number(/column (\d+)/.exec((error as Error).message)![1]);
      // The column of `sekrit` on line 2.
      expect(column).toBe(text.split('\n')[1]!.indexOf('sekrit') + 1);
    }
  });

  it('says what is wrong with a file that is empty, an array, or cut off', () => {
    expect(() => read('')).toThrow(/The file is empty/);
    expect(() => read('[1, 2]')).toThrow(/an array, not a HAR object/);
    expect(() => read('{"log": {"entries": [{"request": {')).toThrow(
      /ends too early .* inside log\.entries\[0\]/,
    );
    expect(() => read('{"other": 1}')).toThrow(/log: missing/);
  });
});
