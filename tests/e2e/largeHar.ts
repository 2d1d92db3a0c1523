/**
 * Writes a HAR of many small entries to a file, streamed (the test never holds it as one
 * string): GETs to 127.0.0.1 on a few routes with ids in them, one every 10 ms of recorded time.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const ROUTES = [
  (i: number) => `/api/users/${i}`,
  (i: number) => `/api/orders/${(i * 2654435761) % 4294967296}/items`,
  (i: number) =>
    `/api/sessions/${i.toString(16).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
  () => '/health',
];

export async function writeLargeHar(
  file: string,
  entries: number,
  startMs = Date.UTC(2026, 0, 1),
): Promise<number> {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"log":{"version":"1.2","creator":{"name":"netlens-e2e","version":"1"},"entries":[\n');
  for (let i = 0; i < entries; i += 1) {
    const route = ROUTES[i % ROUTES.length]!(i);
    const waitMs = 5 + (i % 97);
    const entry = {
      startedDateTime: new Date(startMs + i * 10).toISOString(),
      time: waitMs + 2,
      request: {
        method: 'GET',
        url: `http://127.0.0.1:9${route}`,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [{ name: 'Host', value: '127.0.0.1:9' }],
        queryString: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: i % 50 === 0 ? 500 : 200,
        statusText: i % 50 === 0 ? 'Internal Server Error' : 'OK',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        content: { size: 2, mimeType: 'application/json', text: '{}' },
        redirectURL: '',
        headersSize: -1,
        bodySize: 2,
      },
      cache: {},
      timings: { send: 1, wait: waitMs, receive: 1 },
    };
    await write(`${i > 0 ? ',\n' : ''}${JSON.stringify(entry)}`);
  }
  await write('\n]}}\n');
  out.end();
  await once(out, 'finish');
  return entries;
}
