/**
 * The phase timings are what happened on the upstream socket (shared/timing.ts): `send` ends
 * when the request is on its way to the server, not when Node gets round to saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { flushedOnHandOver } from '@engine/proxy/socketFlush.js';
import { startProxy, type TestProxy } from './proxyHarness.js';

/**
 * An origin in its own process (so it answers while the proxy is busy, as a real server does):
 * raw TCP or TLS, answering each request head at once.
 */
const ORIGIN = `
const net = require('node:net'), tls = require('node:tls');
const reply = 'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Type: text/plain\\r\\n\\r\\nok';
const onSocket = (s) => {
  let buffered = '';
  s.on('error', () => {});
  s.on('data', (d) => {
    buffered += d.toString('latin1');
    for (let i = buffered.indexOf('\\r\\n\\r\\n'); i >= 0; i = buffered.indexOf('\\r\\n\\r\\n')) {
      buffered = buffered.slice(i + 4);
      s.write(reply);
    }
  });
};
const server = process.env.ORIGIN_TLS
  ? tls.createServer({ cert: process.env.ORIGIN_CERT, key: process.env.ORIGIN_KEY }, onSocket)
  : net.createServer(onSocket);
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startOrigin(pki: TestPki, tls: boolean): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', ORIGIN], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ...(tls ? { ORIGIN_TLS: '1', ORIGIN_CERT: pki.valid.certPem, ORIGIN_KEY: pki.valid.keyPem } : {}),
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`origin exited with ${code}`)));
  });
  return { port, child };
}

/** `rounds` bursts of `concurrency` GETs over keep-alive client connections; every exchange. */
async function bursts(
  proxy: TestProxy,
  url: string,
  rounds: number,
  concurrency: number,
): Promise<Exchange[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: proxy.port, path: url, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  try {
    for (let round = 0; round < rounds; round += 1)
      await Promise.all(Array.from({ length: concurrency }, one));
  } finally {
    agent.destroy();
  }
  await proxy.engine.idle();
  return proxy.engine.exchanges.list().filter((e) => e.request.url === url);
}

describe('timings: send is the request going out, wait the server answering', () => {
  let pki: TestPki;
  let proxy: TestProxy;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    pki = makeTestPki();
    proxy = await startProxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
  });

  afterAll(async () => {
    for (const child of children) child.kill();
    await proxy.close();
  });

  for (const tls of [true, false]) {
    it(`a bodiless GET's send ends as the request goes out, so it does not swallow the wait (${tls ? 'TLS' : 'plain'} upstream, under load)`, async () => {
      const origin = await startOrigin(pki, tls);
      children.push(origin.child);
      const url = `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${origin.port}/t`;
      const exchanges = await bursts(proxy, url, 10, 32);
      expect(exchanges).toHaveLength(10 * 32);
      // A server cannot answer a request before it has it all, so a send that outlasts the wait
      // is a send measured too late. The request is written in a few microseconds; only a pause
      // of the whole process (a GC, a busy machine) in that moment makes one longer than the
      // server's answer, so a few may. Measured by Node's write callback (a turn later, for TLS
      // a setImmediate later), a third of them did.
      const backwards = exchanges.filter((e) => e.timings.send! > e.timings.wait!);
      expect(
        backwards.length / exchanges.length,
        JSON.stringify(backwards.slice(0, 5).map((e) => e.timings)),
      ).toBeLessThan(0.15);
      for (const exchange of exchanges) {
        expect(exchange.state).toBe('complete');
        expect(exchange.timings.send).toBeGreaterThanOrEqual(0);
        expect(exchange.timings.wait).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it('a TLS write is on its way when write() returns, before Node calls it written', async () => {
    const server = tls.createServer({ cert: pki.valid.certPem, key: pki.valid.keyPem }, (s) => s.resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pki.ca.certPem });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    let calledBack = false;
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', () => {
      calledBack = true;
    });
    // Node still counts the bytes as buffered (its TLS write completes on a later turn)...
    expect(calledBack).toBe(false);
    expect(socket.writableLength).toBeGreaterThan(0);
    // ...yet they are encrypted and written: the request counts as sent now.
    expect(flushedOnHandOver(socket)).toBe(true);
    // A plain socket that has not connected yet sends what it holds the moment it connects.
    const pending = net.connect(port, '127.0.0.1');
    pending.write('x');
    expect(pending.connecting).toBe(true);
    expect(flushedOnHandOver(pending)).toBe(true);
    pending.destroy();
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});
