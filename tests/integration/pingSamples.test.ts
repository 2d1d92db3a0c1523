/**
 * A ping started with an id tells each sample as an engine event while it runs (the Probes view
 * charts them live): a real TCP ping to a server on 127.0.0.1 through the engine's `ping`.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '@engine/engine.js';
import type { EngineEvent } from '@shared/api.js';

let server: net.Server;
let port = 0;
let engine: Engine;
let dataDir = '';

beforeAll(async () => {
  server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-ping-'));
  engine = await createEngine({ dataDir, port: 0 });
});

afterAll(async () => {
  await engine?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('engine.ping', () => {
  it('emits a ping:sample per sample, in order, before the report resolves', async () => {
    const events: Extract<EngineEvent, { type: 'ping:sample' }>[] = [];
    const off = engine.on((event) => {
      if (event.type === 'ping:sample') events.push(event);
    });
    try {
      const report = await engine.ping({
        host: '127.0.0.1',
        port,
        method: 'tcp',
        count: 3,
        intervalMs: 10,
        timeoutMs: 2000,
        pingId: 'ping-a',
      });
      expect(report.stats).toMatchObject({ sent: 3, received: 3 });
      expect(events.map((e) => [e.pingId, e.sample.seq, e.sample.ok, e.address])).toEqual([
        ['ping-a', 1, true, '127.0.0.1'],
        ['ping-a', 2, true, '127.0.0.1'],
        ['ping-a', 3, true, '127.0.0.1'],
      ]);
      expect(events.map((e) => e.sample)).toEqual(report.samples);
    } finally {
      off();
    }
  });

  it('emits nothing for a ping started without an id', async () => {
    const events: EngineEvent[] = [];
    const off = engine.on((event) => {
      if (event.type === 'ping:sample') events.push(event);
    });
    try {
      const report = await engine.ping({
        host: '127.0.0.1',
        port,
        method: 'tcp',
        count: 2,
        intervalMs: 0,
        timeoutMs: 2000,
      });
      expect(report.samples).toHaveLength(2);
      expect(events).toEqual([]);
    } finally {
      off();
    }
  });
});
