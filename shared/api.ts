/**
 * The one interface between the UI and the engine (DESIGN.md, "The shape"). Implemented by
 * the preload bridge (Electron IPC) and by the WebSocket client (web mode); served on the
 * engine side by one handler table, so both transports behave the same.
 *
 * Every channel is `domain:verb`. Each call resolves to a Result — it never rejects for an
 * engine-side failure, because Electron would keep only the error's message.
 */
import type { Result } from './result.js';
import type { GrpcMessagesView } from './grpcMessages.js';
import type { ProtoSchemaState } from './protoSchema.js';
import type { BodyPayload, BodySide, Exchange, WebSocketFrame } from './model.js';
import type { SessionSummary } from './session.js';
import type { Settings } from './settings.js';
import type {
  ListeningSocketInfo,
  PingReport,
  PingSample,
  PingRequest,
  ProbeReport,
  ProbeRequest,
  TraceReport,
  TraceRequest,
} from './probe.js';
import type { MonitorDefinition, MonitorEventPayload, MonitorHistory } from './monitor.js';
import type { ExchangeDiff } from './diff.js';
import type { RetryChain } from './retry.js';
import type { SystemProxyRequest, SystemProxyState } from './systemProxy.js';
import type { BrowserInfo, BrowserLaunchRequest, LaunchedBrowser } from './browsers.js';
import type { CaStore, CaTrustStatus } from './caTrust.js';
import type { ReplayRequest, ReplayResult } from './replay.js';
import type { ShellKind, TerminalEnvOptions, TerminalSetup } from './terminal.js';
import type { RuleDefinition, RulesState } from './rules.js';
import type { TcpProxyInfo } from './toxiproxy.js';

export interface AppInfo {
  version: string;
  mode: 'electron' | 'web';
  /** e.g. http://127.0.0.1:8899, or undefined when the proxy is not listening. */
  proxyUrl?: string;
  caCertPath: string;
  dataDir: string;
  capturing: boolean;
  platform: string;
  /** The session this NetLens records into (docs/sessions.md), unless sessions are off. */
  sessionId?: string;
}

export interface HarExportOptions {
  /** Export only these exchanges (in this order); all when omitted. */
  ids?: string[];
  redact?: boolean;
}

export interface HarImportSummary {
  imported: number;
  /** Entries skipped, each with the reason. */
  skipped: { index: number; reason: string }[];
}

/** Argument and return types of each channel. */
export interface ApiChannels {
  'app:info': { args: []; value: AppInfo };
  'exchanges:list': { args: []; value: Exchange[] };
  'exchanges:body': { args: [id: string, side: BodySide]; value: BodyPayload | null };
  'exchanges:clear': { args: []; value: void };
  /** Resends an exchange as recorded or edited; the new exchange carries `replayOf`. */
  'exchanges:replay': { args: [request: ReplayRequest]; value: ReplayResult };
  'capture:set': { args: [enabled: boolean]; value: void };
  'proxy:restart': { args: [port: number]; value: AppInfo };
  'settings:get': { args: []; value: Settings };
  'settings:update': { args: [patch: Partial<Settings>]; value: Settings };
  /** Returns the HAR document as JSON text. */
  'har:export': { args: [options: HarExportOptions]; value: string };
  'har:import': { args: [harText: string]; value: HarImportSummary };
  /**
   * Electron only: asks where to save (native save dialog) and writes the HAR there; null when
   * the user cancelled. Web mode answers `unsupported`: the UI downloads `har:export` instead.
   */
  'har:save': { args: [options: HarExportOptions]; value: { path: string } | null };

  // Probes and monitors
  'probe:run': { args: [request: ProbeRequest]; value: ProbeReport };
  'probe:ping': { args: [request: PingRequest]; value: PingReport };
  'probe:trace': { args: [request: TraceRequest]; value: TraceReport };
  'ports:list': { args: []; value: ListeningSocketInfo[] };
  'monitors:list': { args: []; value: MonitorDefinition[] };
  'monitors:save': { args: [monitor: MonitorDefinition]; value: MonitorDefinition[] };
  'monitors:delete': { args: [id: string]; value: MonitorDefinition[] };
  'monitors:history': { args: [id: string]; value: MonitorHistory };

  // Analysis
  'diff:exchanges': { args: [leftId: string, rightId: string]; value: ExchangeDiff };
  'retries:list': { args: []; value: RetryChain[] };

  // Interception: ways to get a client's traffic in (the Intercept view)
  'systemProxy:status': { args: []; value: SystemProxyState };
  'systemProxy:set': { args: [request: SystemProxyRequest]; value: SystemProxyState };
  'browsers:list': { args: []; value: BrowserInfo[] };
  'browsers:launch': { args: [request: BrowserLaunchRequest]; value: LaunchedBrowser };
  'ca:status': { args: []; value: CaTrustStatus };
  'ca:install': { args: [store: CaStore]; value: CaTrustStatus };
  'ca:uninstall': { args: [store: CaStore]; value: CaTrustStatus };
  /** The lines that configure a terminal for this NetLens, in a shell's syntax. */
  'terminal:env': { args: [shell: ShellKind, options?: TerminalEnvOptions]; value: TerminalSetup };
  /** Opens a terminal window configured for NetLens (desktop app). */
  'terminal:open': { args: []; value: { pid: number; source: string } };

  // Rules and faults (the Rules view)
  'rules:get': { args: []; value: RulesState };
  /** Replaces every rule (validated; saved to the rules file); fails with `rules_invalid` naming the JSON path. */
  'rules:save': { args: [rules: RuleDefinition[]]; value: RulesState };
  /** The TCP proxies of the toxiproxy-compatible API, with their toxics. */
  'tcpProxies:list': { args: []; value: TcpProxyInfo[] };
  // Sessions (docs/sessions.md)
  /** The saved sessions, newest first; the one being recorded is marked `current`. */
  'sessions:list': { args: []; value: SessionSummary[] };
  /** Opens a saved session: its exchanges replace the list (`exchanges:reload`), new ones join it. */
  'sessions:open': { args: [id: string]; value: SessionSummary };
  /** Removes a saved session (not the current one, nor one another NetLens records). */
  'sessions:remove': { args: [id: string]; value: SessionSummary[] };
  // gRPC messages made readable (docs/http2.md)
  /** The messages of a gRPC exchange each way, decoded: raw, or named by a loaded .proto or the server's reflection. */
  'grpc:messages': { args: [id: string]; value: GrpcMessagesView };
  /** The loaded .proto files. */
  'grpc:protos': { args: []; value: ProtoSchemaState };
  /** Loads a .proto file's text (fails with `proto_invalid` naming the problem). */
  'grpc:loadProto': { args: [fileName: string, text: string]; value: ProtoSchemaState };
  'grpc:removeProto': { args: [fileName: string]; value: ProtoSchemaState };
  /** A WebSocket's message log so far: live while it is open, the recorded log once it closed. */
  'websocket:frames': { args: [id: string]; value: WebSocketFrameLog };
}

export interface WebSocketFrameLog {
  frames: WebSocketFrame[];
  framesNotRecorded?: number;
  /** The WebSocket is still open: `websocket:frames` events bring the frames that follow. */
  open: boolean;
}

export type Channel = keyof ApiChannels;
export type ChannelArgs<C extends Channel> = ApiChannels[C]['args'];
export type ChannelValue<C extends Channel> = ApiChannels[C]['value'];

/** Every channel name, for validation on the receiving side. */
export const CHANNELS = [
  'app:info',
  'exchanges:list',
  'exchanges:body',
  'exchanges:clear',
  'exchanges:replay',
  'capture:set',
  'proxy:restart',
  'settings:get',
  'settings:update',
  'har:export',
  'har:import',
  'har:save',
  'probe:run',
  'probe:ping',
  'probe:trace',
  'ports:list',
  'monitors:list',
  'monitors:save',
  'monitors:delete',
  'monitors:history',
  'diff:exchanges',
  'retries:list',
  'systemProxy:status',
  'systemProxy:set',
  'browsers:list',
  'browsers:launch',
  'ca:status',
  'ca:install',
  'ca:uninstall',
  'terminal:env',
  'terminal:open',
  'rules:get',
  'rules:save',
  'tcpProxies:list',
  'sessions:list',
  'sessions:open',
  'sessions:remove',
  'grpc:messages',
  'grpc:protos',
  'grpc:loadProto',
  'grpc:removeProto',
  'websocket:frames',
] as const satisfies readonly Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Events the engine pushes; transports deliver them in batches (every ~50 ms or N events). */
export type EngineEvent =
  | { type: 'exchange:started'; exchange: Exchange }
  | { type: 'exchange:updated'; exchange: Exchange }
  | { type: 'exchange:finished'; exchange: Exchange }
  | { type: 'exchanges:cleared' }
  /**
   * The engine dropped these exchanges from memory (it keeps the newest `keptInMemory`): a page
   * drops them too. The session on disk keeps them (within its own retention).
   */
  | { type: 'exchanges:dropped'; ids: string[]; keptInMemory: number }
  /** Many exchanges changed at once (a HAR import, a session opened): load the list again. */
  | { type: 'exchanges:reload' }
  /**
   * A HAR import is under way (at most every 250 ms): entries imported so far, bytes of the file
   * read so far and in all; `done` on the last one, whether the import succeeded or failed.
   */
  | {
      type: 'har:importProgress';
      importId: string;
      entries: number;
      bytesRead: number;
      totalBytes?: number;
      done: boolean;
    }
  /** The session this engine records into changed (cleared, another one opened) or grew past a limit. */
  | { type: 'session:changed'; session: SessionSummary }
  | { type: 'capture:changed'; capturing: boolean }
  | { type: 'proxy:changed'; info: AppInfo }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  | { type: 'monitor:event'; payload: MonitorEventPayload }
  /** One sample of a running `probe:ping` that was given a `pingId`, as it is taken. */
  | { type: 'ping:sample'; pingId: string; sample: PingSample; address?: string }
  /** A retry chain formed or gained an attempt: the whole chain as `retries:list` returns it. */
  | { type: 'retry:chain'; chain: RetryChain }
  /** NetLens set or restored the OS proxy (or found it changed): the Intercept view's toggle follows. */
  | { type: 'systemProxy:changed'; state: SystemProxyState }
  /** The rules in force changed (an edit, a reload of the rules file, a file that failed to load). */
  | { type: 'rules:changed'; state: RulesState }
  /** A TCP proxy or its toxics changed (the toxiproxy-compatible API). */
  | { type: 'tcpProxies:changed'; proxies: TcpProxyInfo[] }
  /**
   * Frames of an open WebSocket since the last such event (docs/http2.md): `startIndex` is the
   * first one's place in the log, so a listener that fetched `websocket:frames` merges without
   * duplicates.
   */
  | {
      type: 'websocket:frames';
      id: string;
      startIndex: number;
      frames: WebSocketFrame[];
      framesNotRecorded?: number;
    };

export type EngineEventType = EngineEvent['type'];

/** IPC channel used to push event batches to the renderer. */
export const EVENTS_CHANNEL = 'events:batch';

export interface NetlensApi {
  invoke<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<Result<ChannelValue<C>>>;
  /** Subscribe to event batches. Returns the unsubscribe function. */
  onEvents(listener: (events: EngineEvent[]) => void): () => void;
}
