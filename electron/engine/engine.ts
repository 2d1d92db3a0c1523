/**
 * createEngine() — the engine's one public surface (DESIGN.md). It owns the proxy, the
 * exchange store, the settings, the CA, the monitors and the analysis, and emits typed events.
 * The CLI, the web transport and the Electron main process are thin clients of it.
 *
 * NOTE: the implementation is being built (proxy work); the interface below is the contract.
 */
import type { AppInfo, EngineEvent, HarExportOptions, HarImportSummary } from '../../shared/api.js';
import type { BodyPayload, BodySide, Exchange } from '../../shared/model.js';
import type { Settings } from '../../shared/settings.js';
import type { HarDocument } from '../../shared/har.js';

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
}

export interface ExchangeStoreView {
  list(): Exchange[];
  get(id: string): Exchange | undefined;
  /** Body bytes, decoded when `decoded` (default true) and decodable. */
  body(id: string, side: BodySide, decoded?: boolean): Promise<BodyPayload | null>;
  /** Merge fields into a stored exchange and emit `exchange:updated` (used by analysis). */
  update(id: string, patch: Partial<Exchange>): Exchange | undefined;
  clear(): void;
  readonly size: number;
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
  /** Stop the proxy (closing every connection), the monitors and timers; flush what must be written. */
  close(): Promise<void>;
}

export declare function createEngine(options: EngineOptions): Promise<Engine>;
