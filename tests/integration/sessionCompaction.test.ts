import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Exchange } from '@shared/model.js';
import { createEngine, type Engine } from '@engine/engine.js';
import { buildHandlerTable } from '@engine/api/apiHandlers.js';
import type { ExchangeStore } from '@engine/capture/exchangeStore.js';
import { httpOrigin, viaProxy, type Origin } from './proxyHarness.js';

const COUNT = 40;

/** What a client of the API sees: the list, each exchange, each body, and the HAR export. */
async function everything(engine: Engine) {
  const table = buildHandlerTable(engine);
  const list = (await table['exchanges:list']!.handle()) as Exchange[];
  const one = list.map((e) => engine.exchanges.get(e.id));
  const bodies = [];
  for (const e of list) {
    bodies.push(await table['exchanges:body']!.handle(e.id, 'request'));
    bodies.push(await table['exchanges:body']!.handle(e.id, 'response'));
  }
  let har = '';
  await engine.writeHar(async (text) => {
    har += text;
  });
  const harEntries = (JSON.parse(har) as { log: { entries: unknown[] } }).log.entries;
  return { list, one, bodies, harEntries };
}

/** The store behind the API (the count of whole exchanges is no part of the API). */
function storeOf(engine: Engine): ExchangeStore {
  return engine.exchanges as unknown as ExchangeStore;
}

describe('a capture whose exchanges are compacted once on disk', () => {
  let origin: Origin;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-compaction-'));
    origin = await httpOrigin((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('n'));
        res.writeHead(n % 7 === 0 ? 503 : 200, {
          'Content-Type': n % 2 === 0 ? 'application/json' : 'text/plain; charset=utf-8',
          'X-Echo-Bytes': String(Buffer.concat(chunks).length),
        });
        res.end(n % 2 === 0 ? JSON.stringify({ n, items: [1, 2, 3] }) : `plain ${n}`);
      });
    });
  });

  afterAll(async () => {
    await origin.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the same list, exchanges, bodies and HAR before and after, and after reopening', async () => {
    const engine = await createEngine({
      dataDir,
      port: 0,
      keepRecentExchanges: 0,
      // No timed write: the test says when the session is written (and the store compacts).
      session: { flushIntervalMs: 600_000 },
    });
    let sessionId: string;
    let before: Awaited<ReturnType<typeof everything>>;
    try {
      await engine.start();
      const proxy = { port: engine.address()!.port } as Parameters<typeof viaProxy>[0];
      for (let n = 0; n < COUNT; n += 1) {
        const url = `http://127.0.0.1:${origin.port}/items/${n}?n=${n}`;
        const response = await viaProxy(
          proxy,
          url,
          n % 3 === 0
            ? {
                method: 'POST',
                body: JSON.stringify({ n }),
                headers: {
                  'content-type': 'application/json',
                  traceparent: `00-${String(n).padStart(32, 'a')}-00f067aa0ba902b7-01`,
                },
              }
            : {},
        );
        expect(response.status).toBe(n % 7 === 0 ? 503 : 200);
      }
      // Every exchange finished (a client has its response a moment before the proxy records the end).
      await vi.waitFor(() =>
        expect(engine.exchanges.summaries().filter((e) => e.state !== 'pending')).toHaveLength(COUNT),
      );
      await engine.idle();
      expect(storeOf(engine).fullInMemory).toBe(COUNT);
      before = await everything(engine);
      expect(before.list).toHaveLength(COUNT);
      expect(before.list.filter((e) => e.traceId !== undefined)).toHaveLength(Math.ceil(COUNT / 3));

      // Writing the session (as its timer would) lets the full objects go.
      sessionId = engine.sessions.current()!.id;
      await engine.sessions.writeHar(sessionId, async () => undefined);
      expect(storeOf(engine).fullInMemory).toBe(0);
      expect(engine.exchanges.size).toBe(COUNT);

      const after = await everything(engine);
      expect(after.list).toEqual(before.list);
      expect(after.one).toEqual(before.one);
      expect(after.bodies).toEqual(before.bodies);
      expect(after.harEntries).toEqual(before.harEntries);

      // Analysis writing into a compacted exchange.
      const target = before.list[5]!;
      engine.exchanges.update(target.id, { traceId: 'set-after-compaction' });
      expect(engine.exchanges.get(target.id)?.traceId).toBe('set-after-compaction');
      before.list[5] = { ...target, traceId: 'set-after-compaction' };
    } finally {
      await engine.close();
    }

    // `netlens web --session ID`: the saved session fills the store with compact records.
    const reopened = await createEngine({ dataDir, port: 0, session: { open: sessionId } });
    try {
      expect(reopened.exchanges.size).toBe(COUNT);
      expect(storeOf(reopened).fullInMemory).toBe(0);
      const again = await everything(reopened);
      expect(again.list).toEqual(before.list);
      expect(again.bodies).toEqual(before.bodies);
      expect(again.harEntries).toHaveLength(COUNT);
    } finally {
      await reopened.close();
    }
  });
});
