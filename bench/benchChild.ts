/**
 * One process of the proxy benchmark, so each proxy's CPU and memory (VmHWM) are its own:
 *   node BUNDLE origin      '{"certPem":...,"keyPem":...}'
 *   node BUNDLE passthrough '{"leafCertPem":...,"leafKeyPem":...}'
 *   node BUNDLE netlens     '{"dataDir":..., "capturing"?: false, "settings"?: {...}, "clearEveryMs"?: N,
 *                             "subscribe"?: true}'
 * Any proxy role also takes `"gcReport": true`: the time its main thread spent in each kind of
 * garbage collection, printed to stderr when it stops.
 * where BUNDLE is this file bundled by esbuild (proxyBench.ts does it; `node --import tsx
 * bench/benchChild.ts ...` works too).
 * Prints one JSON line when ready, then runs until SIGTERM or until its stdin closes (the
 * benchmark died), and exits normally so that --cpu-prof can write its profile.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { startBenchOrigin } from './benchOrigin.js';
import { startPassthroughProxy } from './passthroughProxy.js';
import { createEngine } from '../electron/engine/engine.js';
import type { Settings } from '../shared/settings.js';

type Stop = () => Promise<void>;

async function start(role: string, config: Record<string, unknown>): Promise<{ ready: object; stop: Stop }> {
  if (role === 'origin') {
    const origin = await startBenchOrigin({
      certPem: config.certPem as string,
      keyPem: config.keyPem as string,
    });
    return {
      ready: { httpPort: origin.httpPort, httpsPort: origin.httpsPort, h2Port: origin.h2Port },
      stop: origin.close,
    };
  }
  if (role === 'passthrough') {
    const proxy = await startPassthroughProxy({
      host: '127.0.0.1',
      port: 0,
      leafCertPem: config.leafCertPem as string,
      leafKeyPem: config.leafKeyPem as string,
    });
    return { ready: { port: proxy.port }, stop: proxy.close };
  }
  if (role === 'netlens') {
    // Capture on, default settings: what a user gets from `netlens proxy`.
    // Optional, for finding where the cost is: `capturing: false`, or settings overrides.
    const settings = (config.settings ?? {}) as Partial<Settings>;
    const engine = await createEngine({
      dataDir: config.dataDir as string,
      host: '127.0.0.1',
      port: 0,
      settings,
    });
    if (config.capturing === false) engine.setCapturing(false);
    // `subscribe`: an event listener that does nothing, as a UI or the CLI's output would add.
    if (config.subscribe === true) engine.on(() => undefined);
    // `clearEveryMs`: drop the stored exchanges periodically, to tell retention cost from recording.
    const clearEveryMs = Number(config.clearEveryMs ?? 0);
    const clearer = clearEveryMs > 0 ? setInterval(() => engine.exchanges.clear(), clearEveryMs) : undefined;
    await engine.start();
    return {
      ready: { port: engine.address()!.port },
      stop: () => {
        if (clearer) clearInterval(clearer);
        return engine.close();
      },
    };
  }
  throw new Error(`unknown role ${role}`);
}

/** Main-thread pauses per kind of collection (scavenge, mark-compact...), for `gcReport`. */
function watchGc(role: string): () => void {
  const kinds = new Map<number, { count: number; ms: number }>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? 0;
      const sum = kinds.get(kind) ?? { count: 0, ms: 0 };
      sum.count += 1;
      sum.ms += entry.duration;
      kinds.set(kind, sum);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const names: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  return () => {
    observer.disconnect();
    const parts = [...kinds].map(
      ([kind, sum]) => `${names[kind] ?? kind} ${sum.count}x ${sum.ms.toFixed(0)} ms`,
    );
    const memory = process.memoryUsage();
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
    process.stderr.write(
      `${role} GC pauses: ${parts.join(', ') || 'none'}; at the end: heap used ${mb(memory.heapUsed)} ` +
        `of ${mb(memory.heapTotal)}, external ${mb(memory.external)}, RSS ${mb(memory.rss)}\n`,
    );
  };
}

const [role = '', json = '{}'] = process.argv.slice(2);
const config = JSON.parse(json) as Record<string, unknown>;
const gcReport = config.gcReport === true ? watchGc(role) : undefined;
const { ready, stop } = await start(role, config);
let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 5000);
  force.unref();
  void stop().finally(() => {
    gcReport?.();
    process.exit(0);
  });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ pid: process.pid, ...ready })}\n`);
