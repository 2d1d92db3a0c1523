/**
 * `npm run bench:instructions` — the NetLens proxy's cost per request in CPU instructions,
 * counted by valgrind's callgrind: unlike requests/s or CPU time, a count that other processes
 * competing for the CPU do not change, so two versions can be compared on a busy machine.
 *
 * The NetLens process (benchChild.ts, role netlens, capture on, default settings) runs under
 * `valgrind --tool=callgrind` with instrumentation off; after a warm-up (the JIT settles) it is
 * switched on with callgrind_control for a fixed number of small requests over keep-alive
 * connections — plain HTTP, then intercepted HTTPS — and off again; the count divided by the
 * requests is the figure. Under valgrind the proxy runs ~50x slower: expect minutes.
 *
 * Options: --requests N (2000 per case) --warmup N (3000) --connections N (8) --json
 * Needs valgrind (Debian package `valgrind`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateCA } from '../electron/engine/tls/certificateAuthority.js';
import { LeafCertCache } from '../electron/engine/tls/leafCertCache.js';
import { bundleForNode } from '../tests/fixtures/nodeBundle.js';
import { buildRequest, openConnection, ResponseReader, type ClientTls, type Origin } from './loadClient.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}
const requests = Number(option('requests', '2000'));
const warmup = Number(option('warmup', '3000'));
const connections = Number(option('connections', '8'));
const jsonOutput = process.argv.includes('--json');

/** Reads the first JSON line a child prints (its "ready" line). */
function readyLine(child: ChildProcess, what: string, timeoutMs: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (data: string) => {
      text += data;
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, number>);
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** `count` requests, one in flight per connection, over already open sockets. */
async function run(sockets: net.Socket[], origin: Origin, count: number): Promise<void> {
  const request = buildRequest(origin, { kind: 'proxy', host: '127.0.0.1', port: 0 }, 'GET', '/small');
  let left = count;
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          const next = (): void => {
            if (left <= 0) {
              socket.removeAllListeners('data');
              resolve();
              return;
            }
            left -= 1;
            socket.write(request);
          };
          const reader = new ResponseReader((status) => {
            if (status !== 200) reject(new Error(`status ${status}`));
            else next();
          });
          socket.on('data', (data: Buffer) => reader.push(data));
          socket.once('error', reject);
          next();
        }),
    ),
  );
}

function callgrindControl(pid: number, instrumentation: 'on' | 'off'): void {
  execFileSync('callgrind_control', ['-i', instrumentation, String(pid)], { stdio: 'ignore' });
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'netlens-instructions-'));
  const bundle = path.join(root, 'node_modules', '.cache', 'netlens-bench', `benchChild-${process.pid}.mjs`);
  const children: ChildProcess[] = [];
  try {
    await bundleForNode(path.join(root, 'bench', 'benchChild.ts'), bundle);
    const originCa = await loadOrCreateCA(path.join(work, 'origin-ca'));
    const originLeaf = new LeafCertCache(originCa).get('127.0.0.1');
    const originCaFile = path.join(work, 'origin-ca.pem');
    writeFileSync(originCaFile, originCa.certPem);
    const netlensHome = path.join(work, 'netlens-home');
    const netlensCa = await loadOrCreateCA(netlensHome);
    const clientTls: ClientTls = { ca: [originCa.certPem, netlensCa.certPem] };

    const origin = spawn(
      process.execPath,
      [bundle, 'origin', JSON.stringify({ certPem: originLeaf.certPem, keyPem: originLeaf.keyPem })],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    children.push(origin);
    const originPorts = await readyLine(origin, 'origin', 30_000);

    const outFile = path.join(work, 'callgrind.out');
    const netlens = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${outFile}`,
        process.execPath,
        bundle,
        'netlens',
        JSON.stringify({ dataDir: netlensHome }),
      ],
      { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, NODE_EXTRA_CA_CERTS: originCaFile } },
    );
    children.push(netlens);
    const ready = await readyLine(netlens, 'NetLens under valgrind', 600_000);
    const route = { kind: 'proxy' as const, host: '127.0.0.1', port: ready.port! };

    const results: Record<string, { instructionsPerRequest: number; requests: number }> = {};
    for (const [name, target] of [
      ['small-http', { secure: false, host: '127.0.0.1', port: originPorts.httpPort! }],
      ['small-https', { secure: true, host: '127.0.0.1', port: originPorts.httpsPort! }],
    ] as const) {
      const sockets = await Promise.all(
        Array.from({ length: connections }, () => openConnection(target, route, clientTls)),
      );
      await run(sockets, target, warmup);
      const before = totalInstructions(outFile, netlens.pid!);
      callgrindControl(netlens.pid!, 'on');
      await run(sockets, target, requests);
      callgrindControl(netlens.pid!, 'off');
      const after = totalInstructions(outFile, netlens.pid!);
      for (const socket of sockets) socket.destroy();
      results[name] = { instructionsPerRequest: Math.round((after - before) / requests), requests };
      if (!jsonOutput) {
        console.log(
          `${name}: ${results[name].instructionsPerRequest.toLocaleString('en-US')} instructions per request ` +
            `(${requests} requests, ${connections} connections, after ${warmup} warm-up requests)`,
        );
      }
    }
    if (jsonOutput) console.log(JSON.stringify({ node: process.version, connections, warmup, results }));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
    rmSync(bundle, { force: true });
  }
}

/**
 * Instructions counted so far: callgrind_control dumps the counters (`-d`), each dump a file of
 * its own whose `totals:` line holds the count since the previous dump.
 */
function totalInstructions(outFile: string, pid: number): number {
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  const dir = path.dirname(outFile);
  let sum = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(path.basename(outFile))) continue;
    const match = /^totals: (\d+)/m.exec(readFileSync(path.join(dir, name), 'utf8'));
    if (match) sum += Number(match[1]);
  }
  return sum;
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
