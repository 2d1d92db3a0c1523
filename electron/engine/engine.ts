/**
 * createEngine() — the engine's one public surface (DESIGN.md). It owns the proxy, the
 * exchange store, the settings, the CA, the monitors and the analysis, and emits typed events.
 * The CLI, the web transport and the Electron main process are thin clients of it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppInfo, EngineEvent, HarExportOptions, HarImportSummary } from '../../shared/api.js';
import type { BodySide, Exchange } from '../../shared/model.js';
import type { Settings } from '../../shared/settings.js';
import type { HarDocument } from '../../shared/har.js';
import { createRetryTracker, type RetryTracker } from './analysis/retryTracker.js';
import { BodyStore } from './capture/bodyStore.js';
import { ExchangeFinisher } from './capture/exchangeFinisher.js';
import { ExchangeStore, type ExchangeBodies } from './capture/exchangeStore.js';
import type { ExchangeStoreView } from './capture/exchangeStoreView.js';
import { toHar } from './capture/harExport.js';
import { parseHar } from './capture/harImport.js';
import { createMonitorService, type MonitorService } from './probes/monitorService.js';
import type { ExchangeSink } from './proxy/exchangeSink.js';
import { PinnedHosts } from './proxy/pinnedHosts.js';
import { ProxyServer } from './proxy/proxyServer.js';
import { loadSettings, saveSettings, validateSettings } from './system/settingsFile.js';
import { LeafCertCache } from './tls/leafCertCache.js';
import { loadOrCreateCA } from './tls/certificateAuthority.js';

export const ENGINE_VERSION = '0.1.0';

export interface EngineOptions {
  /** Resolved data directory (CA, settings, sessions, spilled bodies). */
  dataDir: string;
  /** Proxy listen address; port 0 picks a free port. Defaults 127.0.0.1:8899. */
  host?: string;
  port?: number;
  /** Overrides on top of the persisted settings (e.g. from CLI flags); not persisted. */
  settings?: Partial<Settings>;
  mode?: AppInfo['mode'];
  /** Start the monitors persisted in the data dir (the app does; the CLI proxy does not). */
  runMonitors?: boolean;
  /** Extra CA certificates (PEM) trusted for upstream servers, on top of Node's roots and NODE_EXTRA_CA_CERTS. */
  extraUpstreamCaCerts?: string[];
}

export interface Engine {
  readonly dataDir: string;
  readonly caCertPath: string;
  /** Start listening. Rejects with a clear Error (message names the port) when it cannot. */
  start(): Promise<void>;
  /** Where the proxy listens, once started. */
  address(): { host: string; port: number } | undefined;
  info(): AppInfo;
  /** Subscribe to raw (unbatched) events; returns the unsubscribe function. */
  on(listener: (event: EngineEvent) => void): () => void;
  readonly exchanges: ExchangeStoreView;
  setCapturing(enabled: boolean): void;
  readonly capturing: boolean;
  getSettings(): Settings;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  exportHar(options?: HarExportOptions): Promise<HarDocument>;
  importHar(text: string): Promise<HarImportSummary>;
  /** Moves the proxy to another port (0: a free one); on failure the old listener is kept. */
  restartProxy(port: number): Promise<void>;
  /** The monitors persisted in the data dir (started only with `runMonitors`). */
  readonly monitors: MonitorService;
  /** Live retry-chain tracking over the finished exchanges. */
  readonly retries: RetryTracker;
  /** Resolves once every finished exchange has been stored and reported (bodies written). */
  idle(): Promise<void>;
  /** Stop the proxy (closing every connection), the monitors and timers; flush what must be written. */
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const dataDir = path.resolve(options.dataDir);
  await fs.promises.mkdir(dataDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 8899;
  const listeners = new Set<(event: EngineEvent) => void>();
  const emit = (event: EngineEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not break the proxy or the other subscribers.
      }
    }
  };

  const loaded = await loadSettings(dataDir);
  const startupWarnings = [...loaded.warnings];
  let persisted = loaded.settings;
  const overrides = validateSettings(options.settings ?? {}, 'settings override');
  startupWarnings.push(...overrides.warnings);
  let effective: Settings = { ...persisted, ...overrides.patch };

  const ca = await loadOrCreateCA(dataDir);
  const leafCerts = new LeafCertCache(ca);
  // Asked for each captured body: rebuilt only when the settings change.
  let bodyLimits = { memoryLimitBytes: 0, capBytes: 0 };
  let bodyLimitsOf: Settings | undefined;
  const bodyStore = new BodyStore(dataDir, () => {
    if (bodyLimitsOf !== effective) {
      bodyLimitsOf = effective;
      bodyLimits = {
        memoryLimitBytes: effective.bodyMemoryLimitBytes,
        capBytes: effective.bodyCaptureCapBytes,
      };
    }
    return bodyLimits;
  });
  await bodyStore.removeStaleRuns();
  const store = new ExchangeStore(bodyStore, emit, { hasListeners: () => listeners.size > 0 });
  const retries = createRetryTracker(store, { onChain: (chain) => emit({ type: 'retry:chain', chain }) });
  store.onFinished((exchange) => retries.observe(exchange));
  const monitors = createMonitorService({ dataDir, emit });

  let capturing = true;
  let seq = 0;
  const finisher = new ExchangeFinisher(store, (message) =>
    emit({ type: 'notice', level: 'warning', message }),
  );

  const sink: ExchangeSink = {
    get capturing() {
      return capturing;
    },
    nextSeq: () => ++seq,
    openBody: () => bodyStore.open(),
    started: (exchange) => store.started(exchange),
    progressed: (exchange) => store.progressed(exchange),
    finished: (exchange, bodies) => finisher.finished(exchange, bodies),
  };

  const pinnedHosts = new PinnedHosts();
  const makeProxy = (listenPort: number): ProxyServer =>
    new ProxyServer({
      host,
      port: listenPort,
      settings: () => effective,
      sink,
      leafCerts,
      caCertPem: ca.certPem,
      pinnedHosts,
      ...(options.extraUpstreamCaCerts ? { extraUpstreamCaCerts: options.extraUpstreamCaCerts } : {}),
    });
  let proxy = makeProxy(port);
  let started = false;
  let closed = false;

  const proxyUrl = (): string | undefined => {
    const address = proxy.address();
    if (!address) return undefined;
    return `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  };

  const engine: Engine = {
    dataDir,
    caCertPath: ca.certPath,
    async start() {
      if (started) return;
      await proxy.listen();
      started = true;
      if (options.runMonitors) monitors.start();
      for (const message of startupWarnings) emit({ type: 'notice', level: 'warning', message });
      emit({ type: 'proxy:changed', info: engine.info() });
    },
    address: () => proxy.address(),
    info(): AppInfo {
      const url = proxyUrl();
      return {
        version: ENGINE_VERSION,
        mode: options.mode ?? 'web',
        ...(url ? { proxyUrl: url } : {}),
        caCertPath: ca.certPath,
        dataDir,
        capturing,
        platform: process.platform,
      };
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exchanges: store,
    setCapturing(enabled) {
      if (capturing === enabled) return;
      capturing = enabled;
      emit({ type: 'capture:changed', capturing });
    },
    get capturing() {
      return capturing;
    },
    getSettings: () => ({ ...effective }),
    async updateSettings(patch) {
      const { patch: valid, warnings } = validateSettings(patch, 'settings');
      if (warnings.length > 0) throw new Error(warnings.join(' '));
      persisted = { ...persisted, ...valid };
      effective = { ...effective, ...valid };
      proxy.applySettings(effective);
      await saveSettings(dataDir, persisted);
      return { ...effective };
    },
    async exportHar(exportOptions: HarExportOptions = {}) {
      await engine.idle();
      const all = store.list();
      const exchanges = exportOptions.ids
        ? exportOptions.ids.map((id) => store.get(id)).filter((e): e is Exchange => e !== undefined)
        : all;
      return toHar(exchanges, {
        // HAR 1.2 content.text is the decoded body; toHar notes bodies that could not be decoded.
        loadBody: (id: string, side: BodySide) => store.body(id, side),
        redact: exportOptions.redact ?? false,
        creatorVersion: ENGINE_VERSION,
      });
    },
    async importHar(text) {
      const parsed = parseHar(text);
      const imported: Exchange[] = [];
      const importedBodies = new Map<string, ExchangeBodies>();
      for (const original of parsed.exchanges) {
        // An entry exported by this run keeps its id only if that id is free.
        const exchange = store.get(original.id) ? { ...original, id: randomUUID() } : { ...original };
        exchange.seq = ++seq;
        const bytes = parsed.bodies.get(original.id);
        const bodies: ExchangeBodies = {};
        for (const side of ['request', 'response'] as const) {
          const sideBytes = bytes?.[side];
          if (!sideBytes) continue;
          bodies[side] = {
            storage: 'memory',
            bytes: sideBytes,
            sizeBytes: sideBytes.length,
            capturedBytes: sideBytes.length,
            truncated: false,
            alreadyDecoded: true,
          };
        }
        importedBodies.set(exchange.id, bodies);
        imported.push(exchange);
      }
      store.imported(imported, importedBodies);
      return { imported: imported.length, skipped: parsed.skipped };
    },
    async restartProxy(newPort) {
      const previous = proxy;
      const previousPort = previous.address()?.port ?? port;
      await previous.close();
      const next = makeProxy(newPort);
      try {
        await next.listen();
      } catch (error) {
        proxy = makeProxy(previousPort);
        if (started) await proxy.listen().catch(() => undefined);
        emit({ type: 'proxy:changed', info: engine.info() });
        throw error;
      }
      proxy = next;
      port = newPort;
      started = true;
      emit({ type: 'proxy:changed', info: engine.info() });
    },
    monitors,
    retries,
    async idle() {
      await finisher.idle();
      // Retry chains are tagged once the request body is hashed: wait, so a HAR carries every `_netlens.retry`.
      await retries.settled();
    },
    async close() {
      if (closed) return;
      closed = true;
      await proxy.close();
      await monitors.stop();
      await engine.idle();
      store.close();
      await bodyStore.close();
    },
  };
  return engine;
}
