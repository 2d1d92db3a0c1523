/**
 * One process of the proxy benchmark, so each proxy's CPU and memory (VmHWM) are its own:
 *   node BUNDLE origin      '{"certPem":...,"keyPem":...}'
 *   node BUNDLE passthrough '{"leafCertPem":...,"leafKeyPem":...}'
 *   node BUNDLE netlens     '{"dataDir":..., "capturing"?: false, "settings"?: {...}, "clearEveryMs"?: N}'
 * where BUNDLE is this file bundled by esbuild (proxyBench.ts does it; `node --import tsx
 * bench/benchChild.ts ...` works too).
 * Prints one JSON line when ready, then runs until SIGTERM or until its stdin closes (the
 * benchmark died), and exits normally so that --cpu-prof can write its profile.
 */
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
    return { ready: { httpPort: origin.httpPort, httpsPort: origin.httpsPort }, stop: origin.close };
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

const [role = '', json = '{}'] = process.argv.slice(2);
const { ready, stop } = await start(role, JSON.parse(json) as Record<string, unknown>);
let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 5000);
  force.unref();
  void stop().finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ pid: process.pid, ...ready })}\n`);
