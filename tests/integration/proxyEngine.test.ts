import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@shared/settingsSchema.js';
import { createEngine } from '@engine/engine.js';
import { httpOrigin, startProxy, viaProxy, type Origin } from './proxyHarness.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-engine-test-'));
}

describe('createEngine', () => {
  let origin: Origin;

  beforeAll(async () => {
    origin = await httpOrigin((req, res) => {
      if (req.url === '/gz') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(zlib.gzipSync(JSON.stringify({ hello: 'world' })));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`hi ${req.url}`);
    });
  });

  afterAll(async () => {
    await origin.close();
  });

  it('falls back to the defaults with a clear warning when settings.json is broken, and never crashes', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{ "connectTimeoutMs": ');
    const engine = await createEngine({ dataDir, port: 0 });
    const notices: string[] = [];
    engine.on((e) => {
      if (e.type === 'notice') notices.push(e.message);
    });
    try {
      await engine.start();
      expect(engine.getSettings()).toEqual(DEFAULT_SETTINGS);
      expect(notices.join('\n')).toContain('settings.json is not valid JSON');
    } finally {
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('merges settings.json over the defaults, keeps overrides out of the file, and persists updates', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ connectTimeoutMs: 1234, responseTimeoutMs: 'soon', bogus: true }),
    );
    const engine = await createEngine({ dataDir, port: 0, settings: { bodyIdleTimeoutMs: 777 } });
    try {
      expect(engine.getSettings().connectTimeoutMs).toBe(1234);
      expect(engine.getSettings().responseTimeoutMs).toBe(DEFAULT_SETTINGS.responseTimeoutMs);
      expect(engine.getSettings().bodyIdleTimeoutMs).toBe(777);
      const updated = await engine.updateSettings({ passThroughHosts: ['*.bank.example'] });
      expect(updated.passThroughHosts).toEqual(['*.bank.example']);
      const onDisk = JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'));
      expect(onDisk.passThroughHosts).toEqual(['*.bank.example']);
      expect(onDisk.connectTimeoutMs).toBe(1234);
      expect(onDisk.bodyIdleTimeoutMs).toBe(DEFAULT_SETTINGS.bodyIdleTimeoutMs);
      await expect(engine.updateSettings({ connectTimeoutMs: -5 })).rejects.toThrow(/connectTimeoutMs/);
    } finally {
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects start() with code EADDRINUSE and a message naming host and port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = tempDir();
    const engine = await createEngine({ dataDir, port });
    try {
      const error = await engine.start().then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(error?.code).toBe('EADDRINUSE');
      expect(error?.message).toContain(`127.0.0.1:${port}`);
    } finally {
      await engine.close();
      await new Promise((r) => blocker.close(r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exports HAR with timings and bodies, and imports it back', async () => {
    const proxy = await startProxy();
    try {
      await viaProxy(proxy, `${origin.url}/gz`);
      await viaProxy(proxy, 'http://har-failure.invalid/');
      await proxy.finished((e) => e.request.url.endsWith('/gz'));
      await proxy.finished((e) => e.request.url === 'http://har-failure.invalid/');
      const har = await proxy.engine.exportHar();
      expect(har.log.entries).toHaveLength(2);
      const ok = har.log.entries.find((e) => e.request.url.endsWith('/gz'))!;
      expect(ok.response.status).toBe(200);
      expect(ok.response.content.text).toBe('{"hello":"world"}');
      expect(ok.timings.wait).toBeGreaterThanOrEqual(0);
      expect(ok.serverIPAddress).toBe('127.0.0.1');
      const bad = har.log.entries.find((e) => e.request.url.includes('har-failure'))!;
      expect(bad._error?.class).toBe('dns_not_found');

      const other = await startProxy();
      try {
        const summary = await other.engine.importHar(JSON.stringify(har));
        expect(summary.imported).toBe(2);
        const imported = other.engine.exchanges.list().find((e) => e.request.url.endsWith('/gz'))!;
        const body = await other.engine.exchanges.body(imported.id, 'response');
        expect(Buffer.from(body!.base64, 'base64').toString()).toBe('{"hello":"world"}');
        await expect(other.engine.importHar('{"log": 5}')).rejects.toThrow();
      } finally {
        await other.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('stops recording (but keeps forwarding) when capture is off; clear empties the store and the body folder', async () => {
    const proxy = await startProxy({ bodyMemoryLimitBytes: 0 });
    try {
      await viaProxy(proxy, `${origin.url}/recorded`);
      await proxy.finished((e) => e.request.url.endsWith('/recorded'));
      expect(proxy.engine.exchanges.size).toBe(1);
      const bodiesDir = path.join(proxy.dataDir, 'bodies');
      expect(fs.readdirSync(bodiesDir).length).toBe(1);
      proxy.engine.setCapturing(false);
      const res = await viaProxy(proxy, `${origin.url}/unrecorded`);
      expect(res.body.toString()).toBe('hi /unrecorded');
      await proxy.engine.idle();
      expect(proxy.engine.exchanges.size).toBe(1);
      expect(proxy.events.some((e) => e.type === 'capture:changed')).toBe(true);
      proxy.engine.exchanges.clear();
      expect(proxy.engine.exchanges.size).toBe(0);
      expect(proxy.events.some((e) => e.type === 'exchanges:cleared')).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(fs.readdirSync(bodiesDir)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('removes its body folder on close', async () => {
    const proxy = await startProxy({ bodyMemoryLimitBytes: 0 });
    await viaProxy(proxy, `${origin.url}/spilled`);
    await proxy.finished((e) => e.request.url.endsWith('/spilled'));
    const bodiesDir = path.join(proxy.dataDir, 'bodies');
    expect(fs.readdirSync(bodiesDir).length).toBe(1);
    await proxy.engine.close();
    expect(fs.readdirSync(bodiesDir)).toEqual([]);
    await proxy.close();
  });

  it('moves the proxy to another port on restartProxy and reports it', async () => {
    const proxy = await startProxy();
    try {
      const before = proxy.engine.address()!.port;
      await proxy.engine.restartProxy(0);
      const after = proxy.engine.address()!.port;
      expect(after).not.toBe(before);
      expect(proxy.engine.info().proxyUrl).toBe(`http://127.0.0.1:${after}`);
      const res = await viaProxy({ ...proxy, port: after }, `${origin.url}/moved`);
      expect(res.status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('exposes monitors and retry tracking', async () => {
    const proxy = await startProxy();
    try {
      expect(proxy.engine.monitors.list()).toEqual([]);
      await viaProxy(proxy, `${origin.url}/retry-me`);
      await viaProxy(proxy, `${origin.url}/retry-me`);
      await proxy.engine.idle();
      await proxy.engine.retries.settled();
      expect(Array.isArray(proxy.engine.retries.chains())).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
