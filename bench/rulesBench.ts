/**
 * `npm run bench:rules` (also the last part of `npm run bench`) — how exactly rules and toxics
 * do what they are asked, and what they cost (docs/benchmark.md, docs/rules.md):
 *   latency   300 ms before the response: added time, p50 over 200 requests (bar ±2 ms);
 *             300 ± 50 ms: the spread of the added times, p1..p99 (bar: 98 ms ± 10 %)
 *   bandwidth 2 MB body at 500 KB/s: measured rate (bar ±10 %)
 *   probability 0.1 and 0.5 resets over 1,000 requests: failures inside the binomial 99 % interval
 *   cost      small keep-alive requests/s with no rules, and with 50 enabled rules none of which
 *             matches (bar ≥ 95 % of the no-rules figure)
 *   tcp       a TCP proxy of the toxiproxy API with no toxics: 1 GiB through it (bar ≥ 1 GB/s) and
 *             the added round-trip time of a 1-byte ping-pong (bar < 100 µs)
 * One engine in this process (createEngine, capture on), origins on 127.0.0.1.
 * Options: --json, --only latency,bandwidth,probability,cost,tcp, --duration-ms N (cost, 3000)
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine, type Engine } from '../electron/engine/engine.js';
import type { RuleDefinition } from '../shared/rules.js';
import { runKeepAliveLoad } from './loadClient.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}
const json = process.argv.includes('--json');
const only = new Set(option('only', 'latency,bandwidth,probability,cost,tcp').split(','));
const costDurationMs = Number(option('duration-ms', '3000'));

interface Line {
  name: string;
  value: string;
  bar: string;
  pass: boolean;
}
const lines: Line[] = [];
function report(name: string, value: string, bar: string, pass: boolean): void {
  lines.push({ name, value, bar, pass });
  if (!json) console.log(`${pass ? 'PASS' : 'FAIL'}  ${name.padEnd(34)} ${value.padEnd(30)} bar: ${bar}`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const BIG = Buffer.alloc(2_000_000, 'x');

async function startOrigin(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.url === '/big' ? BIG : Buffer.from('ok');
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request through the proxy on a keep-alive agent; its time and whether it failed. */
function timed(
  agent: http.Agent,
  proxyPort: number,
  url: string,
): Promise<{ ms: number; bytes: number; failed: boolean }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: '127.0.0.1', port: proxyPort, path: url, agent });
    req.on('error', () => resolve({ ms: performance.now() - started, bytes: 0, failed: true }));
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('error', () => resolve({ ms: performance.now() - started, bytes, failed: true }));
      res.on('end', () => resolve({ ms: performance.now() - started, bytes, failed: false }));
    });
    req.end();
  });
}

async function measureLatency(engine: Engine, proxyPort: number, originUrl: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sample = async (count: number): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < count; i += 1) times.push((await timed(agent, proxyPort, `${originUrl}/small`)).ms);
    return times;
  };
  await engine.rules.save([]);
  await sample(20);
  const base = percentile(await sample(200), 50);
  await engine.rules.save([{ name: 'Latency', latency: { ms: 300 } }]);
  const added = percentile(await sample(200), 50) - base;
  report('latency 300 ms: added p50', `${added.toFixed(2)} ms`, '300 ± 2 ms', Math.abs(added - 300) <= 2);
  await engine.rules.save([{ name: 'Jitter', latency: { ms: 300, jitterMs: 50 } }]);
  const jittered = (await sample(200)).map((ms) => ms - base);
  // p1..p99 of a uniform ±50 ms: 98 ms (the extremes carry the machine's scheduling noise).
  const spread = percentile(jittered, 99) - percentile(jittered, 1);
  report(
    'jitter ±50 ms: spread (p1..p99)',
    `${spread.toFixed(1)} ms`,
    '98 ms ± 10 %',
    Math.abs(spread - 98) <= 9.8,
  );
  agent.destroy();
}

async function measureBandwidth(engine: Engine, proxyPort: number, originUrl: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await engine.rules.save([{ name: 'Bandwidth', bandwidth: { downKBps: 500 } }]);
  const result = await timed(agent, proxyPort, `${originUrl}/big`);
  const kBps = result.bytes / result.ms; // bytes per ms = KB/s
  report(
    'bandwidth 500 KB/s on 2 MB',
    `${kBps.toFixed(1)} KB/s`,
    '500 KB/s ± 10 %',
    Math.abs(kBps - 500) <= 50,
  );
  agent.destroy();
}

/** The binomial 99 % interval of n draws at p (normal approximation, fine at n = 1000). */
function interval99(n: number, p: number): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - 2.576 * sd), Math.ceil(n * p + 2.576 * sd)];
}

async function measureProbability(engine: Engine, proxyPort: number, originUrl: string): Promise<void> {
  for (const p of [0.1, 0.5]) {
    await engine.rules.save([{ name: `Resets ${p}`, probability: p, fault: { type: 'reset' } }]);
    const agent = new http.Agent({ keepAlive: false });
    let failed = 0;
    for (let i = 0; i < 1000; i += 1)
      if ((await timed(agent, proxyPort, `${originUrl}/small`)).failed) failed += 1;
    const [low, high] = interval99(1000, p);
    report(
      `probability ${p}: resets of 1,000`,
      String(failed),
      `${low}..${high}`,
      failed >= low && failed <= high,
    );
    agent.destroy();
  }
}

async function measureCost(engine: Engine, proxyPort: number, originPort: number): Promise<void> {
  const load = () =>
    runKeepAliveLoad({
      origin: { secure: false, host: '127.0.0.1', port: originPort },
      route: { kind: 'proxy', host: '127.0.0.1', port: proxyPort },
      clientTls: { ca: [] },
      path: '/small',
      connections: 16,
      warmupMs: 500,
      durationMs: costDurationMs,
    });
  const fifty: RuleDefinition[] = Array.from({ length: 50 }, (_, i) => ({
    name: `Never ${i}`,
    match: { host: `host-${i}.invalid`, path: '/nothing/*' },
    latency: { ms: 1000 },
  }));
  // Alternated and the best of two kept: the machine's noise is larger than the difference.
  let none = 0;
  let withRules = 0;
  for (let round = 0; round < 2; round += 1) {
    await engine.rules.save([]);
    none = Math.max(none, (await load()).requestsPerSecond);
    await engine.rules.save(fifty);
    withRules = Math.max(withRules, (await load()).requestsPerSecond);
    engine.exchanges.clear();
  }
  const ratio = withRules / none;
  report('no rules: small req/s', none.toFixed(0), '(reference)', true);
  report(
    '50 non-matching rules: small req/s',
    `${withRules.toFixed(0)} (${(ratio * 100).toFixed(1)} %)`,
    '≥ 95 %',
    ratio >= 0.95,
  );
}

async function measureTcp(engine: Engine): Promise<void> {
  const api = engine.tcpProxies.apiAddress()!;
  const sink = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      // The ping-pong: one byte back for one byte; bulk data is swallowed.
      if (chunk.length === 1) socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as net.AddressInfo).port;
  const created = (await (
    await fetch(`http://127.0.0.1:${api.port}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${sinkPort}` }),
    })
  ).json()) as { listen: string };
  const proxyPort = Number(created.listen.slice(created.listen.lastIndexOf(':') + 1));

  // Throughput: 1 GiB written as fast as the socket takes it, direct and through the proxy.
  const total = 1024 * 1024 * 1024;
  const block = Buffer.alloc(1024 * 1024, 'y');
  const throughput = (port: number): Promise<number> =>
    new Promise<number>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        const started = performance.now();
        let sent = 0;
        const pump = (): void => {
          while (sent < total) {
            sent += block.length;
            if (!socket.write(block)) {
              socket.once('drain', pump);
              return;
            }
          }
          socket.end();
        };
        socket.on('close', () => resolve(total / ((performance.now() - started) / 1000) / 1e9));
        pump();
      });
      socket.on('error', () => resolve(0));
    });
  const directGbps = await throughput(sinkPort);
  const gbps = await throughput(proxyPort);
  report('loopback, direct: throughput', `${directGbps.toFixed(2)} GB/s`, '(reference)', true);
  report('tcp proxy, no toxics: throughput', `${gbps.toFixed(2)} GB/s`, '≥ 1 GB/s', gbps >= 1);

  // Round trip: 2,000 one-byte ping-pongs direct and through the proxy; p50 difference.
  const rtt = async (port: number): Promise<number> => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const times: number[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const started = performance.now();
      socket.write('p');
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      times.push(performance.now() - started);
    }
    socket.destroy();
    return percentile(times, 50);
  };
  const direct = await rtt(sinkPort);
  const proxied = await rtt(proxyPort);
  const addedUs = (proxied - direct) * 1000;
  report('tcp proxy: added round trip (p50)', `${addedUs.toFixed(0)} µs`, '< 100 µs', addedUs < 100);
  await new Promise<void>((resolve) => sink.close(() => resolve()));
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-rules-bench-'));
  const origin = await startOrigin();
  const engine = await createEngine({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    announce: false,
    toxiproxyApi: { host: '127.0.0.1', port: 0 },
  });
  await engine.start();
  const proxyPort = engine.address()!.port;
  const originUrl = `http://127.0.0.1:${origin.port}`;
  if (!json) console.log('Rules and toxics (bench/rulesBench.ts)');
  try {
    if (only.has('latency')) await measureLatency(engine, proxyPort, originUrl);
    if (only.has('bandwidth')) await measureBandwidth(engine, proxyPort, originUrl);
    if (only.has('probability')) await measureProbability(engine, proxyPort, originUrl);
    if (only.has('cost')) await measureCost(engine, proxyPort, origin.port);
    if (only.has('tcp')) await measureTcp(engine);
  } finally {
    await engine.close();
    await origin.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (json) console.log(JSON.stringify(lines));
}

await main();
