/**
 * `npm run bench` (its memory part; alone: `npm run bench:memory`) — the engine's memory as its
 * store fills, on the path users run: `netlens proxy` as a process (bin/netlens.js, its terse
 * line per exchange to a file, its session written to disk), small HTTP exchanges sent through
 * it from 127.0.0.1 to an origin on 127.0.0.1, over keep-alive connections.
 *
 * For each `--max-exchanges` value (default: the CLI's default, 100,000, and 1,000,000: every
 * exchange of the run kept in the list), at each checkpoint of exchanges captured (default
 * 100,000 and 1,000,000) it prints the process's RSS (VmRSS), its peak so far (VmHWM) and its V8
 * heap (used / total, asked of the process through a preloaded SIGUSR2 handler), and how many
 * exchanges the session on disk holds. Bar: engine RSS < 250 MB at 1,000,000 captured.
 *
 * Options: --checkpoints 100000,1000000  --max-exchanges 100000,1000000  --connections N (32)
 *          --root DIR (another NetLens tree's bin/netlens.js, e.g. an older build to compare)
 *          --json
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadOrCreateCA } from '../electron/engine/tls/certificateAuthority.js';
import { LeafCertCache } from '../electron/engine/tls/leafCertCache.js';
import { startBenchOrigin } from './benchOrigin.js';
import { runKeepAliveLoad, type Origin } from './loadClient.js';
import { startProductTarget } from './productTargets.js';
import { procStatus } from './procStatus.js';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}
const numbers = (text: string): number[] =>
  text
    .split(',')
    .map((part) => Number(part.replace(/_/g, '')))
    .filter((n) => Number.isSafeInteger(n) && n > 0);
const checkpoints = numbers(option('checkpoints', '100000,1000000')).sort((a, b) => a - b);
const maxExchangesList = numbers(option('max-exchanges', '100000,1000000'));
const connections = Math.max(1, Number(option('connections', '32')));
const root = path.resolve(option('root', here));
const jsonOutput = process.argv.includes('--json');
const log = (line = ''): void => {
  if (!jsonOutput) console.log(line);
};
const RSS_BAR_BYTES = 250 * 1000 * 1000;

/** Asked with SIGUSR2, the process writes its memory figures to the file the environment names. */
const PRELOAD = `import fs from 'node:fs';
process.on('SIGUSR2', () => {
  fs.writeFileSync(process.env.NETLENS_BENCH_MEMORY_FILE, JSON.stringify({ ...process.memoryUsage(), atMs: Date.now() }));
});
`;

/** The process's `process.memoryUsage()`, asked through the preload (bounded wait). */
async function heapOf(pid: number, file: string): Promise<NodeJS.MemoryUsage | undefined> {
  const askedAtMs = Date.now();
  process.kill(pid, 'SIGUSR2');
  const deadline = askedAtMs + 5000;
  while (Date.now() < deadline) {
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as NodeJS.MemoryUsage & { atMs: number };
      if (value.atMs >= askedAtMs) return value;
    } catch {
      // Not written yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** Exchanges the session on disk holds, from its session.json (written about every second). */
function sessionExchanges(dataDir: string): number | undefined {
  try {
    const sessions = path.join(dataDir, 'sessions');
    const ids = readdirSync(sessions).sort();
    const meta = JSON.parse(readFileSync(path.join(sessions, ids.at(-1)!, 'session.json'), 'utf8')) as {
      exchanges: number;
    };
    return meta.exchanges;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? '-' : (bytes / 1e6).toFixed(0));

interface Sample {
  maxExchanges: number;
  captured: number;
  inSession?: number;
  rssBytes?: number;
  peakRssBytes?: number;
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  externalBytes?: number;
  requestsPerSecond: number;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'netlens-memory-bench-'));
  const samples: Sample[] = [];
  const origin = await (async () => {
    const originCa = await loadOrCreateCA(path.join(work, 'origin-ca'));
    const leaf = new LeafCertCache(originCa).get('127.0.0.1');
    return startBenchOrigin({ certPem: leaf.certPem, keyPem: leaf.keyPem });
  })();
  try {
    const netlensHome = path.join(work, 'netlens-home');
    await loadOrCreateCA(netlensHome);
    const preload = path.join(work, 'memoryPreload.mjs');
    writeFileSync(preload, PRELOAD);
    const target: Origin = { secure: false, host: '127.0.0.1', port: origin.httpPort };
    log(
      `NetLens engine memory as the store fills: \`netlens proxy\` (${path.join(root, 'bin', 'netlens.js')})`,
    );
    log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    log();
    log('max-exchanges  captured  in session   RSS MB  peak MB  heap used/total MB   req/s');
    for (const maxExchanges of maxExchangesList) {
      const memoryFile = path.join(work, `memory-${maxExchanges}.json`);
      const runDir = path.join(work, `run-${maxExchanges}`);
      mkdirSync(runDir);
      const proxy = await startProductTarget({
        name: 'proxy',
        root,
        work: runDir,
        caHome: netlensHome,
        env: { ...process.env, NETLENS_BENCH_MEMORY_FILE: memoryFile },
        nodeFlags: ['--import', pathToFileURL(preload).href],
        extraArgs: ['--max-exchanges', String(maxExchanges)],
      });
      // Interrupted: the proxy is not left running.
      const stopOnSignal = (): void => {
        proxy.process.kill('SIGKILL');
        process.exit(130);
      };
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
      try {
        let sent = 0;
        for (const checkpoint of checkpoints) {
          const startMs = Date.now();
          const result = await runKeepAliveLoad({
            origin: target,
            route: { kind: 'proxy', host: '127.0.0.1', port: proxy.port },
            clientTls: { ca: [] },
            path: '/small',
            connections,
            warmupMs: 0,
            durationMs: 3_600_000,
            maxRequests: checkpoint - sent,
          });
          const elapsedMs = Date.now() - startMs;
          sent += result.allRequests;
          // The session is written every 100 ms and its facts every second: wait (bounded) until it
          // holds what was sent, so the figures are those of a store whose records are on disk.
          const dataDir = path.join(runDir, 'data-proxy');
          const deadline = Date.now() + 30_000;
          while ((sessionExchanges(dataDir) ?? 0) < sent && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 200));
          const heap = await heapOf(proxy.pid, memoryFile);
          const sample: Sample = {
            maxExchanges,
            captured: sent,
            requestsPerSecond: Math.round((result.allRequests * 1000) / elapsedMs),
          };
          const inSession = sessionExchanges(dataDir);
          if (inSession !== undefined) sample.inSession = inSession;
          const rss = await procStatus(proxy.pid, 'VmRSS');
          const peak = await procStatus(proxy.pid, 'VmHWM');
          if (rss !== undefined) sample.rssBytes = rss;
          if (peak !== undefined) sample.peakRssBytes = peak;
          if (heap) {
            sample.heapUsedBytes = heap.heapUsed;
            sample.heapTotalBytes = heap.heapTotal;
            sample.externalBytes = heap.external;
          }
          samples.push(sample);
          log(
            `${String(maxExchanges).padStart(13)}  ${String(sent).padStart(8)}  ${String(inSession ?? '-').padStart(10)}  ${mb(rss).padStart(7)}  ${mb(peak).padStart(7)}  ${`${mb(heap?.heapUsed)}/${mb(heap?.heapTotal)}`.padStart(18)}  ${String(sample.requestsPerSecond).padStart(6)}`,
          );
          if (result.errors > 0) log(`  (${result.errors} requests failed)`);
        }
      } finally {
        process.off('SIGINT', stopOnSignal);
        process.off('SIGTERM', stopOnSignal);
        await proxy.stop();
        rmSync(runDir, { recursive: true, force: true });
      }
    }
    const atMillion = samples.filter((s) => s.captured >= 1_000_000);
    if (atMillion.length > 0) {
      log();
      for (const sample of atMillion) {
        const ok = sample.rssBytes !== undefined && sample.rssBytes < RSS_BAR_BYTES;
        log(
          `${ok ? 'PASS' : 'MISS'}  engine RSS at ${sample.captured} captured, --max-exchanges ${sample.maxExchanges}: ${mb(sample.rssBytes)} MB (bar < ${mb(RSS_BAR_BYTES)} MB; peak ${mb(sample.peakRssBytes)} MB)`,
        );
      }
    }
    if (jsonOutput) console.log(JSON.stringify({ loadAverage: os.loadavg(), samples }, null, 2));
  } finally {
    await origin.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
