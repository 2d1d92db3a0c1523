import { describe, expect, it } from 'vitest';
import { harTextChunks } from '@engine/capture/harTextChunks.js';

async function collect(text: string, size: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of harTextChunks(text, size)) chunks.push(chunk);
  return chunks;
}

describe('harTextChunks', () => {
  it('cuts the text into chunks whose bytes make up the UTF-8 of the whole', async () => {
    const text = '{"log":{"entries":[' + '{"a":"é"},'.repeat(50) + '{}]}}';
    const chunks = await collect(text, 16);
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('never splits a surrogate pair across two chunks', async () => {
    // '😀' is two UTF-16 units; at size 2 every other cut would fall inside one.
    const text = 'a😀b😀😀c';
    const chunks = await collect(text, 2);
    expect(chunks.every((chunk) => !chunk.toString('utf8').includes('\uFFFD'))).toBe(true);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
  });

  it('yields nothing for an empty text', async () => {
    expect(await collect('', 8)).toEqual([]);
  });
});
