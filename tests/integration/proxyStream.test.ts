import http from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024);
for (let i = 0; i < CHUNK.length; i += 1) CHUNK[i] = (i * 31) & 0xff;

/** Streams `size` bytes of a fixed pattern, honouring backpressure. */
function writePattern(
  stream: NodeJS.WritableStream & { write(b: Buffer): boolean },
  size: number,
  done: () => void,
): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < size) {
      const piece = CHUNK.subarray(0, Math.min(CHUNK.length, size - sent));
      sent += piece.length;
      if (!stream.write(piece)) {
        stream.once('drain', pump);
        return;
      }
    }
    done();
  };
  pump();
}

function patternDigest(size: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < size; sent += CHUNK.length)
    hash.update(CHUNK.subarray(0, Math.min(CHUNK.length, size - sent)));
  return hash.digest('hex');
}

describe('streaming large bodies', () => {
  let proxy: TestProxy;
  let origin: Origin;

  beforeAll(async () => {
    proxy = await startProxy({ bodyCaptureCapBytes: 8 * 1024 * 1024, bodyIdleTimeoutMs: 30_000 });
    origin = await httpOrigin((req, res) => {
      if (req.url === '/download') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': GIB });
        writePattern(res, GIB, () => res.end());
        return;
      }
      // Upload: hash what arrives and answer with the digest.
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        hash.update(c);
      });
      req.on('end', () => res.end(JSON.stringify({ size, digest: hash.digest('hex') })));
    });
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
  });

  it('passes a 1 GiB response through intact with bounded memory, capture cut at the cap', async () => {
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 25);
    const { size, digest } = await new Promise<{ size: number; digest: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        path: `${origin.url}/download`,
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const hash = createHash('sha256');
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          hash.update(c);
        });
        res.on('end', () => resolve({ size: n, digest: hash.digest('hex') }));
      });
      req.end();
    });
    clearInterval(sampler);
    expect(size).toBe(GIB);
    expect(digest).toBe(patternDigest(GIB));
    // Nothing is held whole: the growth stays far below the body's size.
    expect(peakRss - rssBefore).toBeLessThan(256 * 1024 * 1024);
    const exchange = await proxy.finished((e) => e.request.url.endsWith('/download'));
    expect(exchange.response?.body).toMatchObject({
      sizeBytes: GIB,
      capturedBytes: 8 * 1024 * 1024,
      truncated: true,
    });
  });

  it('streams a 256 MiB chunked upload through intact', async () => {
    const size = 256 * 1024 * 1024;
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        method: 'POST',
        path: `${origin.url}/upload`,
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      writePattern(req, size, () => req.end());
    });
    expect(JSON.parse(answer)).toEqual({ size, digest: patternDigest(size) });
    const exchange = await proxy.finished((e) => e.request.url.endsWith('/upload'));
    expect(exchange.request.body).toMatchObject({ sizeBytes: size, truncated: true });
  });
});
