/**
 * A HAR held as one string (the `har:import` channel: a page sends the file's text) cut into
 * UTF-8 chunks for the stream reader, with a turn of the event loop between chunks: the import's
 * progress events and other clients' traffic go out while a 100 MB file is read, instead of
 * after one long synchronous parse.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export const HAR_TEXT_CHUNK_CHARS = 1 << 18;

export async function* harTextChunks(
  text: string,
  chunkChars: number = HAR_TEXT_CHUNK_CHARS,
): AsyncGenerator<Buffer> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + chunkChars);
    // Never split a surrogate pair: each half alone would encode as U+FFFD.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    yield Buffer.from(text.slice(start, end), 'utf8');
    start = end;
    if (start < text.length) await nextTurn();
  }
}
