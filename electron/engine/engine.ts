/**
 * createEngine() — the engine's one public surface (DESIGN.md). It owns the proxy, the
 * exchange store, the settings, the CA, the monitors and the analysis, and emits typed events.
 * The CLI, the web transport and the Electron main process are thin clients of it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type {
  AppInfo,
  EngineEvent,
  HarExportOptions,
  HarImportSummary,
  WebSocketFrameLog,
} from '../../shared/api.js';
import type { BodyPayload, BodySide, Exchange, WebSocketFrame } from '../../shared/model.js';
import type { Settings } from '../../shared/settings.js';
import type { HarDocument } from '../../shared/har.js';
import { isLoopbackHost } from '../../shared/address.js';
import { SYSTEM_SOURCE } from '../../shared/source.js';
import { createRetryTracker, type RetryTracker } from './analysis/retryTracker.js';
import { BodyStore } from './capture/bodyStore.js';
import { ExchangeFinisher } from './capture/exchangeFinisher.js';
import { ExchangeStore, type ExchangeBodies } from './capture/exchangeStore.js';
import type { ExchangeStoreView } from './capture/exchangeStoreView.js';
import { toHar, toHarEntry } from './capture/harExport.js';
import { HarImporter } from './capture/harImport.js';
import { HarStreamReader } from './capture/harStreamReader.js';
import { harHeadText } from './capture/harText.js';
import { harTextChunks } from './capture/harTextChunks.js';
import { SessionRecorder } from './capture/session/sessionRecorder.js';
import { findSession, listSessions, removeSession } from './capture/session/sessionCatalog.js';
import { writeSessionHar } from './capture/session/sessionHar.js';
import type { SessionFs } from './capture/session/sessionWriter.js';
import type { SessionSummary } from '../../shared/session.js';
import { createMonitorService, type MonitorService } from './probes/monitorService.js';
import { runPing } from './probes/pingRunner.js';
import type { PingReport, PingRequest } from '../../shared/probe.js';
import type { ExchangeSink } from './proxy/exchangeSink.js';
import { ReplayLinks } from './capture/replayLinks.js';
import { ReplayError, replayRequest } from './capture/replayRequest.js';
import { sendReplay } from './proxy/replayClient.js';
import { REPLAY_SOURCE, type ReplayRequest, type ReplayResult } from '../../shared/replay.js';
import { ControlError, type ControlHandler, type ControlRoutes } from './proxy/controlEndpoint.js';
import { PinnedHosts } from './proxy/pinnedHosts.js';
import { openedSource, sourceControlRoutes, type OpenedSource } from './proxy/sourceControlRoutes.js';
import { SourceListeners } from './proxy/sourceListeners.js';
import { ProxyServer } from './proxy/proxyServer.js';
import { ensurePrivateDir } from './system/dataDir.js';
import { loadOrCreateProxySecret } from './system/proxySecret.js';
import { removeRunningFile, writeRunningFile } from './system/runningFile.js';
import { loadSettings, saveSettings, validateSettings } from './system/settingsFile.js';
import { realEnvironment, type SystemProxyEnvironment } from './system/systemProxy/systemCommand.js';
import { SystemProxyController, type EngineSystemProxy } from './system/systemProxy/systemProxyController.js';
import { systemProxyControlRoutes } from './system/systemProxy/systemProxyControlRoutes.js';
import { LeafCertCache } from './tls/leafCertCache.js';
import { loadOrCreateCA } from './tls/certificateAuthority.js';
import { hostPort, urlHostPort, urlOf } from '../../shared/address.js';
import type { RulesState } from '../../shared/rules.js';
import type { TcpProxyInfo } from '../../shared/toxiproxy.js';
import { RULES_FILE, RulesController } from './rules/rulesController.js';
import { ToxiproxyServer } from './rules/toxiproxyServer.js';
import { decodeGrpcExchange } from './analysis/grpcMessageDecoder.js';
import { ProtoSchemaRegistry } from './analysis/protoSchemaLoader.js';
import {
  PROTOS_DIR,
  protoFileNameOnDisk,
  readProtoFiles,
  removeProtoFile,
  saveProtoFile,
} from './system/protoFiles.js';
import type { GrpcMessagesView } from '../../shared/grpcMessages.js';
import { grpcMessagesJson, type GrpcDecodedMessages } from '../../shared/grpcMessageJson.js';
import { GrpcNames } from './analysis/grpcNames.js';
import { grpcHarMessages } from './analysis/grpcHarMessages.js';
import { GrpcReflectionCache, type ReflectionOrigin } from './analysis/grpcReflectionCache.js';
import { fetchReflectionDescriptors, type ReflectionTarget } from './proxy/grpcReflectionClient.js';
import { redactGrpcMessages } from './capture/redaction.js';
import type { ProtoSchemaState } from '../../shared/protoSchema.js';

export const ENGINE_VERSION = '0.1.0';
/** How long NetLens waits for a server's gRPC reflection answer (connection included). */
const GRPC_REFLECTION_TIMEOUT_MS = 5000;

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
  /**
   * Proxy authentication: `auto` (the default) turns it on when the proxy listens beyond loopback,
   * so NetLens never becomes an open proxy on a LAN; `on` always asks; `off` never does.
   */
  proxyAuth?: 'auto' | 'on' | 'off';
  /** Write `DATA/running.json` while the proxy listens (default true). */
  announce?: boolean;
  /**
   * The OS proxy setting (docs/system-proxy.md): how the journal names this process (`netlens
   * proxy`), and where the OS commands run (tests pass a private D-Bus session's environment).
   */
  systemProxy?: { ownerName?: string; environment?: SystemProxyEnvironment };
  /**
   * Where the rules live (docs/rules.md): `file` is read, watched and written by the Rules view;
   * `app` uses `DATA/rules.json`; absent: no file (rules in memory only, none at start).
   */
  rules?: { file: string } | 'app';
  /** Serve the toxiproxy-compatible API on this address (docs/toxiproxy.md). */
  toxiproxyApi?: { host: string; port: number };
  /**
   * Exchanges kept in memory (default 100,000); older ones are dropped from the list with an
   * `exchanges:dropped` event and stay in the session on disk (`--max-exchanges`).
   */
  maxExchanges?: number;
  /**
   * The newest finished exchanges kept whole in memory (default 1,000); older ones whose record
   * the session holds are kept as compact records and read back from disk when asked for.
   */
  keepRecentExchanges?: number;
  /** Random source of the rules' probabilities and jitter (tests make it predictable). */
  random?: () => number;
  /**
   * The session on disk (docs/sessions.md): by default a new one under `DATA/sessions/`; `open`
   * reopens a saved one and goes on recording into it; `false` records nothing to disk.
   */
  session?:
    | false
    | {
        open?: string;
        /** Tests put a failing disk here. */
        fs?: SessionFs;
        flushIntervalMs?: number;
        syncIntervalMs?: number;
        segmentMaxBytes?: number;
      };
}

/** The rules in force (the Rules view, `--rules FILE`). */
export interface EngineRules {
  state(): RulesState;
  /** Replaces every rule; rejects with a RulesFileError (code `rules_invalid`) naming the JSON path. */
  save(rules: unknown): Promise<RulesState>;
}

/** The TCP proxies of the toxiproxy-compatible API. */
export interface EngineTcpProxies {
  list(): TcpProxyInfo[];
  /** Where the API listens, once started. */
  apiAddress(): { host: string; port: number } | undefined;
}

/** gRPC messages made readable (the gRPC tab, HAR, NDJSON): decoded raw, or named by loaded .proto files or the server's reflection. */
export interface EngineGrpc {
  /** The messages of gRPC exchange `id` each way; undefined for an unknown exchange or one that is not gRPC. */
  messages(id: string): Promise<GrpcMessagesView | undefined>;
  protos(): ProtoSchemaState;
  /**
   * Parses a .proto (rejects with code `proto_invalid` naming the problem), replacing a file of
   * the same name, and keeps it in the data dir (`protos/`) for the next start.
   */
  loadProto(fileName: string, text: string): Promise<ProtoSchemaState>;
  removeProto(fileName: string): Promise<ProtoSchemaState>;
  /**
   * The messages of gRPC exchange `id` as JSON (see shared/grpcMessageJson.ts), bounded, for
   * NDJSON lines; `ask`: ask the server's reflection when nothing is known of its service yet.
   * Undefined when the exchange is unknown, not gRPC, or has no captured body.
   */
  messagesJson(
    id: string,
    options?: { ask?: boolean; redact?: boolean },
  ): Promise<GrpcDecodedMessages | undefined>;
}

/** Writes text out in order (a file, stdout); resolves once the text is taken. */
export type TextSink = (text: string) => Promise<void>;

export interface HarImportProgress {
  importId?: string;
  /** Bytes of the whole file, when known (for a percentage). */
  totalBytes?: number;
}

/** The saved sessions of the data directory, and the one this engine records into. */
export interface EngineSessions {
  /** The session being recorded (undefined when sessions are off). */
  current(): SessionSummary | undefined;
  /** Every saved session, newest first (the current one marked). */
  list(): Promise<SessionSummary[]>;
  /** Makes saved session `id` the current one: its exchanges replace the list, new ones go on into it. */
  open(id: string): Promise<SessionSummary>;
  /** Removes a saved session (never the current one, nor one another NetLens records). */
  remove(id: string): Promise<void>;
  /** Writes session `id` as HAR 1.2, entry by entry (constant memory for any size). */
  writeHar(id: string, write: TextSink, options?: { redact?: boolean }): Promise<number>;
}

/** Clients NetLens launched or configured, each with a label (shared/source.ts). */
export interface EngineSources {
  /**
   * Opens a loopback proxy port for a new source of `kind` (`chromium` → `chromium#1`); with
   * `label`, exactly that label (one listener per label: an open one is returned as it is).
   */
  open(kind: string, options?: { ownerPid?: number; label?: string }): Promise<OpenedSource>;
  /** Numbers a label for a client that names itself by proxy credentials (`terminal` → `terminal#2`). */
  label(kind: string): string;
  close(source: string): Promise<boolean>;
  list(): OpenedSource[];
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
  /** Writes the exchanges in memory as HAR 1.2, entry by entry; resolves with the number of entries. */
  writeHar(write: TextSink, options?: HarExportOptions): Promise<number>;
  importHar(text: string): Promise<HarImportSummary>;
  /**
   * Imports a HAR as it streams (a file of any size in the memory of its largest entry), with
   * `har:importProgress` events; the exchanges join the current session.
   */
  importHarStream(chunks: AsyncIterable<Buffer>, progress?: HarImportProgress): Promise<HarImportSummary>;
  readonly sessions: EngineSessions;
  /** Moves the proxy to another port (0: a free one); on failure the old listener is kept. */
  restartProxy(port: number): Promise<void>;
  /** The monitors persisted in the data dir (started only with `runMonitors`). */
  readonly monitors: MonitorService;
  /** Live retry-chain tracking over the finished exchanges. */
  readonly retries: RetryTracker;
  /** Per-source proxy ports (DESIGN.md, Interception: per-source attribution). */
  readonly sources: EngineSources;
  /**
   * Resends an exchange, as recorded or edited, through the proxy (source `replay`); resolves once
   * the proxy recorded the new exchange, which carries `replayOf`. Rejects with a coded error.
   */
  replay(request: ReplayRequest): Promise<ReplayResult>;
  /** TCP or ICMP ping; with a `pingId`, each sample is also a `ping:sample` event as it is taken. */
  ping(request: PingRequest): Promise<PingReport>;
  /** The OS proxy setting pointed at NetLens (traffic labelled `system`); restored by close(). */
  readonly systemProxy: EngineSystemProxy;
  readonly rules: EngineRules;
  readonly tcpProxies: EngineTcpProxies;
  readonly grpc: EngineGrpc;
  /** A WebSocket's message log: live while it is open; undefined for an unknown exchange or not a WebSocket. */
  webSocketFrames(id: string): WebSocketFrameLog | undefined;
  /** The secret clients must send as proxy password, when proxy authentication is on. */
  readonly proxySecret: string | undefined;
  /** Adds a route to the control endpoint other NetLens processes call (proxy/controlEndpoint.ts). */
  addControlRoute(key: string, handler: ControlHandler): void;
  /** Records the UI's address in running.json (web mode). */
  announceUi(url: string): Promise<void>;
  /** Resolves once every finished exchange has been stored and reported (bodies written). */
  idle(): Promise<void>;
  /** Stop the proxy (closing every connection), the monitors and timers; flush what must be written. */
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const dataDir = path.resolve(options.dataDir);
  await ensurePrivateDir(dataDir);
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 8899;
  const listeners = new Set<(event: EngineEvent) => void>();
  // Notices told before anyone listens (a torn tail found while a session opens, inside
  // createEngine) are kept for the first listener, so a CLI or a page still shows them.
  let earlyNotices: EngineEvent[] | undefined = [];
  const emit = (event: EngineEvent): void => {
    if (listeners.size === 0 && earlyNotices && event.type === 'notice' && earlyNotices.length < 20)
      earlyNotices.push(event);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not break the proxy or the other subscribers.
      }
    }
  };

  const rulesFile =
    options.rules === 'app'
      ? path.join(dataDir, RULES_FILE)
      : options.rules
        ? path.resolve(options.rules.file)
        : undefined;
  const rules = new RulesController({
    ...(rulesFile !== undefined ? { file: rulesFile, watch: true } : {}),
    required: options.rules !== undefined && options.rules !== 'app',
    ...(options.random ? { random: options.random } : {}),
    onNotice: (level, message) => emit({ type: 'notice', level, message }),
    onChange: (state) => emit({ type: 'rules:changed', state }),
  });
  // A rules file that cannot be used stops the start: better than a run without the faults asked for.
  await rules.start();
  const loaded = await loadSettings(dataDir);
  const startupWarnings = [...loaded.warnings];
  const startupNotices: { level: 'info' | 'warning'; message: string }[] = [];
  let persisted = loaded.settings;
  const overrides = validateSettings(options.settings ?? {}, 'settings override', 'saved');
  startupWarnings.push(...overrides.warnings);
  let effective: Settings = { ...persisted, ...overrides.patch };

  const ca = await loadOrCreateCA(dataDir);
  const leafCerts = new LeafCertCache(ca);
  // Asked for each captured body: rebuilt only when the settings change.
  let bodyLimits = { memoryLimitBytes: 0, capBytes: 0, spillBudgetBytes: 0 };
  let bodyLimitsOf: Settings | undefined;
  const bodyStore = new BodyStore(dataDir, () => {
    if (bodyLimitsOf !== effective) {
      bodyLimitsOf = effective;
      bodyLimits = {
        memoryLimitBytes: effective.bodyMemoryLimitBytes,
        capBytes: effective.bodyCaptureCapBytes,
        spillBudgetBytes: effective.spillBudgetBytes,
      };
    }
    return bodyLimits;
  });
  await bodyStore.removeStaleRuns();
  const sessionOptions = options.session === false ? undefined : (options.session ?? {});
  const recorder = sessionOptions
    ? new SessionRecorder({
        dataDir,
        settings: () => effective,
        notice: (level, message) => emit({ type: 'notice', level, message }),
        changed: (session) => emit({ type: 'session:changed', session }),
        bodyStored: (id, side, body) => store.bodyOnDisk(id, side, body),
        recordWritten: (dir, id, location) => store.journaled(dir, id, location),
        segmentsRemoved: (dir, segments) => store.segmentsRemoved(dir, segments),
        ...(sessionOptions.fs ? { fs: sessionOptions.fs } : {}),
        ...(sessionOptions.flushIntervalMs !== undefined
          ? { flushIntervalMs: sessionOptions.flushIntervalMs }
          : {}),
        ...(sessionOptions.syncIntervalMs !== undefined
          ? { syncIntervalMs: sessionOptions.syncIntervalMs }
          : {}),
        ...(sessionOptions.segmentMaxBytes !== undefined
          ? { segmentMaxBytes: sessionOptions.segmentMaxBytes }
          : {}),
      })
    : undefined;
  // Set while a saved session's exchanges replace the list: that clear starts no new session.
  let replacingSession = false;
  const store = new ExchangeStore(bodyStore, emit, {
    ...(options.maxExchanges !== undefined ? { maxExchanges: options.maxExchanges } : {}),
    ...(options.keepRecentExchanges !== undefined ? { keepRecent: options.keepRecentExchanges } : {}),
    hasListeners: () => listeners.size > 0,
    journal: () => recorder?.writer,
    onCleared: () => {
      if (recorder && !replacingSession) void recorder.startNew();
    },
  });
  const retries = createRetryTracker(store, { onChain: (chain) => emit({ type: 'retry:chain', chain }) });
  store.onFinished((exchange) => retries.observe(exchange));
  const monitors = createMonitorService({ dataDir, emit });

  let capturing = true;
  let seq = 0;

  /** Loads saved session `id` into the store and records on into it. */
  const openSession = async (id: string): Promise<void> => {
    if (!recorder)
      throw Object.assign(new Error('Sessions are off in this NetLens.'), { code: 'unsupported' });
    await finisher.idle();
    const loaded = await recorder.reopen(id, store.maxExchanges);
    replacingSession = true;
    try {
      store.clear();
    } finally {
      replacingSession = false;
    }
    store.restored(loaded.exchanges, loaded.dir);
    for (const { summary } of loaded.exchanges) if (summary.seq > seq) seq = summary.seq;
    if (loaded.total > loaded.exchanges.length) {
      emit({
        type: 'notice',
        level: 'info',
        message: `Session ${id} holds ${loaded.total} exchanges; the newest ${loaded.exchanges.length} are in the list. All of them stay in the session: \`netlens sessions export ${id}\` writes them as HAR.`,
      });
    }
    store.announceReload();
  };
  const finisher = new ExchangeFinisher(store, (message) =>
    emit({ type: 'notice', level: 'warning', message }),
  );

  if (recorder) {
    if (sessionOptions?.open) await openSession(sessionOptions.open);
    else await recorder.startNew();
  }

  const replayLinks = new ReplayLinks();
  const sink: ExchangeSink = {
    get capturing() {
      return capturing;
    },
    nextSeq: () => ++seq,
    openBody: () => bodyStore.open(),
    started: (exchange) => store.started(replayLinks.tag(exchange)),
    progressed: (exchange) => store.progressed(replayLinks.tag(exchange)),
    webSocketFrames: (id, startIndex, frames, framesNotRecorded) => {
      // The log so far, for `websocket:frames` (a list opened mid-way); gone when the exchange
      // finishes with the whole log in its record.
      let live = liveWebSocketLogs.get(id);
      if (!live) liveWebSocketLogs.set(id, (live = { frames: [], framesNotRecorded: 0 }));
      if (startIndex === live.frames.length) live.frames.push(...frames);
      live.framesNotRecorded = framesNotRecorded;
      emit({
        type: 'websocket:frames',
        id,
        startIndex,
        frames,
        ...(framesNotRecorded > 0 ? { framesNotRecorded } : {}),
      });
    },
    finished: (exchange, bodies) => {
      liveWebSocketLogs.delete(exchange.id);
      finisher.finished(replayLinks.tag(exchange, true), bodies);
    },
  };
  const liveWebSocketLogs = new Map<string, { frames: WebSocketFrame[]; framesNotRecorded: number }>();

  const protoSchemas = new ProtoSchemaRegistry();
  // The .proto files loaded before: a broken one is named (once the engine starts) and left
  // out, the others load.
  for (const file of await readProtoFiles(dataDir).catch(() => [])) {
    try {
      protoSchemas.load(file.fileName, file.text);
    } catch (error) {
      startupNotices.push({
        level: 'warning',
        message: `The saved ${path.join(dataDir, PROTOS_DIR, file.fileName)} was not loaded: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  // gRPC field names from the servers' reflection services, asked over NetLens' own connection
  // with the TLS choices the proxy makes for that host.
  type ReflectionSite = ReflectionOrigin & { target: ReflectionTarget };
  const grpcNames = new GrpcNames<ReflectionSite>({
    protos: protoSchemas,
    reflection: new GrpcReflectionCache<ReflectionSite>({
      fetch: (site, service) => fetchReflectionDescriptors(site.target, service, GRPC_REFLECTION_TIMEOUT_MS),
    }),
    originOf: (exchange) => {
      let url: URL;
      try {
        url = new URL(exchange.request.url);
      } catch {
        return undefined;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      const { host, port } = urlHostPort(url);
      const secure = url.protocol === 'https:';
      const tlsOptions = secure ? proxy.upstreamTls(host) : undefined;
      return {
        key: `${url.protocol}//${hostPort(host, port)}${tlsOptions?.rejectUnauthorized === false ? ' insecure' : ''}`,
        label: hostPort(host, port),
        target: { tls: secure, host, port, authority: url.host, ...tlsOptions },
      };
    },
  });
  const grpcView = async (
    exchange: Exchange,
    ask: boolean,
    loadBody: (id: string, side: BodySide) => Promise<BodyPayload | null> = (id, side) =>
      store.body(id, side),
  ): Promise<GrpcMessagesView> => {
    const choice = await grpcNames.choose(exchange, ask);
    const view = await decodeGrpcExchange(exchange, loadBody, choice.schema);
    if (choice.names && view.schemaMethod) view.names = choice.names;
    if (choice.reflection && !view.schemaMethod) view.reflection = choice.reflection;
    return view;
  };
  // A HAR export names fields from the loaded .proto files and what reflection already said; it
  // does not call servers.
  const harGrpcMessages = grpcHarMessages((exchange) => grpcNames.choose(exchange, false));
  const toxiproxy = options.toxiproxyApi
    ? new ToxiproxyServer({
        host: options.toxiproxyApi.host,
        port: options.toxiproxyApi.port,
        sink,
        settings: () => effective,
        ...(options.random ? { random: options.random } : {}),
        onChange: (proxies) => emit({ type: 'tcpProxies:changed', proxies }),
      })
    : undefined;

  const pinnedHosts = new PinnedHosts();
  const proxySecret =
    options.proxyAuth === 'on' || (options.proxyAuth !== 'off' && !isLoopbackHost(host))
      ? await loadOrCreateProxySecret(dataDir)
      : undefined;
  const controlToken = randomBytes(24).toString('base64url');
  const controlRoutes: ControlRoutes = {};
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
      ...(proxySecret ? { auth: { secret: proxySecret } } : {}),
      control: { token: controlToken, routes: controlRoutes },
      rules: () => rules.current(),
    });
  let proxy = makeProxy(port);
  let started = false;
  let closed = false;
  // Source listeners hand their sockets to whichever proxy server is current (restartProxy swaps it).
  const sourceListeners = new SourceListeners({
    host: isLoopbackHost(host) && host !== 'localhost' ? host : '127.0.0.1',
    accept: (socket, source) => proxy.acceptSocket(socket, source),
  });
  Object.assign(controlRoutes, sourceControlRoutes(sourceListeners), {
    'GET /_netlens/info': () => ({ ...engine.info(), sources: sourceListeners.list().map(openedSource) }),
  });
  const systemProxy = new SystemProxyController({
    dataDir,
    environment: options.systemProxy?.environment ?? realEnvironment(),
    ownerName:
      options.systemProxy?.ownerName ?? (options.mode === 'electron' ? 'the NetLens app' : 'NetLens'),
    openListener: async () =>
      sourceListeners.get(SYSTEM_SOURCE) ??
      (await sourceListeners.add(SYSTEM_SOURCE, { label: SYSTEM_SOURCE })),
    closeListener: async () => {
      await sourceListeners.remove(SYSTEM_SOURCE);
    },
    onChange: (state) => emit({ type: 'systemProxy:changed', state }),
    onWarning: (message) => emit({ type: 'notice', level: 'warning', message }),
  });
  Object.assign(controlRoutes, systemProxyControlRoutes(systemProxy));
  // Crash recovery: a system proxy left set by a NetLens that died is given back now.
  const recovery = await systemProxy.recover();
  if (recovery) startupNotices.push(recovery);
  let uiUrl: string | undefined;
  const announce = async (): Promise<void> => {
    const url = proxyUrl();
    if (options.announce === false || !url || closed) return;
    try {
      await writeRunningFile(dataDir, {
        pid: process.pid,
        proxy: url,
        ...(uiUrl ? { ui: uiUrl } : {}),
        controlToken,
        proxyAuth: proxySecret !== undefined,
        startedAtMs: Date.now(),
        version: ENGINE_VERSION,
      });
    } catch (error) {
      emit({
        type: 'notice',
        level: 'warning',
        message: `Could not write running.json in ${dataDir}: ${(error as Error).message}. Other netlens commands will not find this proxy by themselves; pass --proxy.`,
      });
    }
  };

  const proxyUrl = (): string | undefined => {
    const address = proxy.address();
    if (!address) return undefined;
    return urlOf('http', address.host, address.port);
  };

  const engine: Engine = {
    dataDir,
    caCertPath: ca.certPath,
    async start() {
      if (started) return;
      await proxy.listen();
      if (toxiproxy) {
        try {
          await toxiproxy.listen();
        } catch (error) {
          await proxy.close();
          throw error;
        }
      }
      started = true;
      await announce();
      if (options.runMonitors) monitors.start();
      for (const message of startupWarnings) emit({ type: 'notice', level: 'warning', message });
      for (const notice of startupNotices) emit({ type: 'notice', ...notice });
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
        ...(recorder?.id ? { sessionId: recorder.id } : {}),
      };
    },
    on(listener) {
      listeners.add(listener);
      const early = earlyNotices ?? [];
      earlyNotices = undefined;
      for (const event of early) {
        try {
          listener(event);
        } catch {
          // As in emit: a failing subscriber breaks nothing.
        }
      }
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
      const { patch: valid, warnings } = validateSettings(patch, 'settings', 'saved');
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
        grpcMessages: harGrpcMessages,
      });
    },
    async writeHar(write, exportOptions: HarExportOptions = {}) {
      await engine.idle();
      // One exchange at a time (most are read back from the session on disk): constant memory.
      const exchanges: Iterable<Exchange> = exportOptions.ids
        ? exportOptions.ids.map((id) => store.get(id)).filter((e): e is Exchange => e !== undefined)
        : store.iterate();
      const settings = {
        loadBody: (id: string, side: BodySide) => store.body(id, side),
        redact: exportOptions.redact ?? false,
        creatorVersion: ENGINE_VERSION,
        grpcMessages: harGrpcMessages,
      };
      await write(harHeadText(ENGINE_VERSION));
      let count = 0;
      for (const exchange of exchanges) {
        const entry = await toHarEntry(exchange, settings);
        await write(`${count > 0 ? ',\n' : ''}${JSON.stringify(entry)}`);
        count += 1;
      }
      await write('\n]}}\n');
      return count;
    },
    importHar(text) {
      return engine.importHarStream(harTextChunks(text), { totalBytes: Buffer.byteLength(text) });
    },
    async importHarStream(chunks, progress = {}) {
      const importId = progress.importId ?? randomUUID();
      let importer: HarImporter | undefined;
      let imported = 0;
      let lastProgressMs = 0;
      const pendingEntries: unknown[] = [];
      const take = (raw: unknown): void => {
        const entry = importer!.add(raw);
        if (!entry) return;
        const { exchange: original, requestBody, responseBody } = entry;
        // An entry exported by this run keeps its id only if that id is free.
        const exchange = store.has(original.id) ? { ...original, id: randomUUID() } : original;
        exchange.seq = ++seq;
        const bodies: ExchangeBodies = {};
        for (const [side, bytes] of [
          ['request', requestBody],
          ['response', responseBody],
        ] as const) {
          if (!bytes) continue;
          bodies[side] = {
            storage: 'memory',
            bytes,
            sizeBytes: bytes.length,
            capturedBytes: bytes.length,
            truncated: false,
            alreadyDecoded: true,
          };
        }
        store.imported([{ exchange, bodies }]);
        imported += 1;
      };
      const reader = new HarStreamReader({
        head: (log) => {
          importer = new HarImporter(log);
        },
        entry: (raw) => {
          if (importer) take(raw);
          else pendingEntries.push(raw);
        },
      });
      const tell = (done: boolean): void => {
        const now = Date.now();
        if (!done && now - lastProgressMs < 250) return;
        lastProgressMs = now;
        emit({
          type: 'har:importProgress',
          importId,
          entries: imported,
          bytesRead: reader.bytesRead,
          ...(progress.totalBytes !== undefined ? { totalBytes: progress.totalBytes } : {}),
          done,
        });
      };
      try {
        for await (const chunk of chunks) {
          reader.write(chunk);
          tell(false);
          // The session's writer sets the pace: an import never outruns the disk.
          await recorder?.writer?.drained();
        }
        reader.end();
        for (const raw of pendingEntries) take(raw);
      } finally {
        if (imported > 0) store.announceReload();
        tell(true);
      }
      return { imported, skipped: importer?.skipped ?? [] };
    },
    sessions: {
      current: () => recorder?.summary(),
      async list() {
        const current = recorder?.summary();
        const saved = await listSessions(dataDir);
        return saved.map(({ dir: _dir, meta: _meta, ...summary }) =>
          summary.id === current?.id ? { ...summary, ...current, bytes: summary.bytes } : summary,
        );
      },
      async open(id) {
        await openSession(id);
        return recorder!.summary()!;
      },
      remove: (id) => removeSession(dataDir, id, recorder?.id),
      async writeHar(id, write, writeOptions = {}) {
        const entry = await findSession(dataDir, id);
        if (entry.id === recorder?.id) await recorder.writer?.flush();
        return writeSessionHar(entry.dir, write, {
          redact: writeOptions.redact ?? false,
          creatorVersion: ENGINE_VERSION,
          onProblem: (message) => emit({ type: 'notice', level: 'warning', message }),
          grpcMessages: harGrpcMessages,
        });
      },
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
      await announce();
      emit({ type: 'proxy:changed', info: engine.info() });
    },
    monitors,
    retries,
    ping(request) {
      const pingId = request.pingId;
      return runPing(
        request,
        pingId === undefined
          ? undefined
          : (sample, address) =>
              emit({ type: 'ping:sample', pingId, sample, ...(address !== undefined ? { address } : {}) }),
      );
    },
    async replay(request) {
      const original = store.get(request.id);
      if (!original) throw new ReplayError('not_found', `No exchange ${request.id} in this session.`);
      if (!capturing)
        throw new ReplayError('capture_paused', 'Capture is paused: resume capture to see the replay.');
      const recordedBody = request.edit?.body === undefined ? await store.body(request.id, 'request') : null;
      const outgoing = replayRequest(original, recordedBody, request.edit);
      const listener =
        sourceListeners.get(REPLAY_SOURCE) ??
        (await sourceListeners.add(REPLAY_SOURCE, { label: REPLAY_SOURCE }));
      const id = await sendReplay(outgoing, {
        listener,
        caCertPem: ca.certPem,
        announce: (clientPort) => replayLinks.expect(clientPort, original.id),
      });
      return { id, replayOf: original.id };
    },
    sources: {
      open: async (kind, openOptions = {}) => {
        const existing = openOptions.label === undefined ? undefined : sourceListeners.get(openOptions.label);
        return openedSource(existing ?? (await sourceListeners.add(kind, openOptions)));
      },
      label: (kind) => sourceListeners.nextLabel(kind),
      close: (source) => sourceListeners.remove(source),
      list: () => sourceListeners.list().map(openedSource),
    },
    systemProxy: {
      status: () => systemProxy.status(),
      set: (request) => systemProxy.set(request),
      dryRun: (request) => systemProxy.dryRun(request),
    },
    proxySecret,
    rules: {
      state: () => rules.state(),
      save: (list) => rules.save(list),
    },
    tcpProxies: {
      list: () => toxiproxy?.list() ?? [],
      apiAddress: () => toxiproxy?.address(),
    },
    grpc: {
      async messages(id) {
        const exchange = store.get(id);
        if (!exchange?.grpc) return undefined;
        return grpcView(exchange, true);
      },
      async messagesJson(id, jsonOptions = {}) {
        const exchange = store.get(id);
        if (!exchange?.grpc || exchange.kind !== 'http') return undefined;
        const view = await grpcView(exchange, jsonOptions.ask === true);
        if (view.request.missing && view.response.missing) return undefined;
        const json = grpcMessagesJson(view);
        return jsonOptions.redact ? redactGrpcMessages(json) : json;
      },
      protos: () => protoSchemas.state(),
      async loadProto(fileName, text) {
        const name = protoFileNameOnDisk(fileName);
        const state = protoSchemas.load(name, text);
        try {
          await saveProtoFile(dataDir, name, text);
        } catch (error) {
          emit({
            type: 'notice',
            level: 'warning',
            message: `${name} is loaded, but could not be saved in ${path.join(dataDir, PROTOS_DIR)} for the next start: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        return state;
      },
      async removeProto(fileName) {
        const name = protoFileNameOnDisk(fileName);
        await removeProtoFile(dataDir, name);
        return protoSchemas.remove(name);
      },
    },
    webSocketFrames(id) {
      const live = liveWebSocketLogs.get(id);
      if (live)
        return {
          frames: live.frames.slice(),
          ...(live.framesNotRecorded > 0 ? { framesNotRecorded: live.framesNotRecorded } : {}),
          open: true,
        };
      const exchange = store.get(id);
      if (!exchange?.websocket) return undefined;
      const { frames = [], framesNotRecorded } = exchange.websocket;
      return {
        frames,
        ...(framesNotRecorded ? { framesNotRecorded } : {}),
        open: exchange.state === 'pending',
      };
    },
    addControlRoute(key, handler) {
      if (!/^(GET|POST|PUT|DELETE) \/_netlens\/[a-z0-9/_*-]+$/.test(key)) {
        throw new ControlError(`Not a control route: ${key}`, 500);
      }
      controlRoutes[key] = handler;
    },
    async announceUi(url) {
      uiUrl = url;
      await announce();
    },
    async idle() {
      await finisher.idle();
      // Retry chains are tagged once the request body is hashed: wait, so a HAR carries every `_netlens.retry`.
      await retries.settled();
    },
    async close() {
      if (closed) return;
      closed = true;
      // First of all: the OS proxy must not point at a NetLens that is going away.
      const released = await systemProxy.release();
      if (released) {
        emit({ type: 'notice', level: released.state.active ? 'error' : 'info', message: released.message });
      }
      await sourceListeners.closeAll();
      rules.stop();
      await toxiproxy?.close();
      await proxy.close();
      if (options.announce !== false) await removeRunningFile(dataDir).catch(() => undefined);
      await monitors.stop();
      await engine.idle();
      store.close();
      await recorder?.close();
      await bodyStore.close();
    },
  };
  return engine;
}
