/**
 * API handlers for probes and monitors (`probe:run`, `monitors:*`). Arguments arrive untrusted
 * over IPC or the WebSocket: each is checked before the engine acts on it.
 */
import type { Engine } from '../engine.js';
import type { HandlerTable } from './handlerTable.js';
import { ApiFailure } from './apiFailure.js';
import {
  ArgumentError,
  argList,
  booleanArg,
  enumArg,
  idArg,
  integerArg,
  objectArg,
  stringArg,
} from './apiArguments.js';
import {
  MAX_PROBE_RETRIES,
  MAX_UI_PING_COUNT,
  type PingRequest,
  type ProbeRequest,
  type TraceRequest,
} from '../../../shared/probe.js';
import { monitorDefinitionProblem, type MonitorDefinition } from '../../../shared/monitor.js';
import { runProbe, MAX_PROBE_TIMEOUT_MS } from '../probes/probeRunner.js';
import { parseProbeTarget, TargetError } from '../probes/probeTarget.js';
import { isResolverAddress } from '../probes/dnsProbe.js';
import type { MonitorService } from '../probes/monitorService.js';
import { PingResolveError } from '../probes/tcpPing.js';
import { traceRoute } from '../probes/traceRoute.js';
import { isSafeHostArgument, MissingToolError } from '../probes/systemTool.js';
import { listListeningSockets } from '../system/listeningSockets.js';
import { unbracketHost } from '../../../shared/address.js';

const MAX_TARGET_LENGTH = 2048;

/** The engine exposes its monitor service as `monitors` (createEngine builds it). */
function monitorsOf(engine: Engine): MonitorService {
  const monitors = (engine as Engine & { monitors?: MonitorService }).monitors;
  if (!monitors) throw new ApiFailure('unsupported', 'Monitors are not available in this engine.');
  return monitors;
}

export function parseProbeRequest(value: unknown): ProbeRequest {
  const raw = objectArg(value, 'request', [
    'target',
    'timeoutMs',
    'retries',
    'resolver',
    'followRedirects',
    'maxRedirects',
    'insecure',
    'allAddresses',
    'method',
  ]);
  const target = stringArg(raw.target, 'request.target', {
    minLength: 1,
    maxLength: MAX_TARGET_LENGTH,
  }).trim();
  try {
    parseProbeTarget(target);
  } catch (error) {
    if (error instanceof TargetError) throw new ArgumentError(error.message);
    throw error;
  }
  const request: ProbeRequest = { target };
  if (raw.timeoutMs !== undefined)
    request.timeoutMs = integerArg(raw.timeoutMs, 'request.timeoutMs', { min: 1, max: MAX_PROBE_TIMEOUT_MS });
  if (raw.retries !== undefined)
    request.retries = integerArg(raw.retries, 'request.retries', { min: 0, max: MAX_PROBE_RETRIES });
  if (raw.resolver !== undefined && raw.resolver !== '') {
    const resolver = stringArg(raw.resolver, 'request.resolver', { maxLength: 64 }).trim();
    if (!isResolverAddress(resolver))
      throw new ArgumentError('request.resolver must be the IP address of a DNS server');
    request.resolver = resolver;
  }
  if (raw.followRedirects !== undefined)
    request.followRedirects = booleanArg(raw.followRedirects, 'request.followRedirects');
  if (raw.maxRedirects !== undefined)
    request.maxRedirects = integerArg(raw.maxRedirects, 'request.maxRedirects', { min: 0, max: 20 });
  if (raw.insecure !== undefined) request.insecure = booleanArg(raw.insecure, 'request.insecure');
  if (raw.allAddresses !== undefined)
    request.allAddresses = booleanArg(raw.allAddresses, 'request.allAddresses');
  if (raw.method !== undefined)
    request.method = enumArg(raw.method, 'request.method', ['GET', 'HEAD'] as const);
  return request;
}

export function parseMonitorDefinition(value: unknown): MonitorDefinition {
  const raw = objectArg(value, 'monitor', [
    'id',
    'name',
    'target',
    'intervalMs',
    'timeoutMs',
    'expectedStatus',
    'enabled',
    'insecure',
  ]);
  if (typeof raw.target === 'string' && raw.target.length > MAX_TARGET_LENGTH)
    throw new ArgumentError('monitor.target is too long');
  if (typeof raw.name === 'string' && raw.name.length > 200)
    throw new ArgumentError('monitor.name is too long');
  if (typeof raw.id === 'string') idArg(raw.id, 'monitor.id');
  const clean = { ...raw, ...(raw.expectedStatus === null ? { expectedStatus: undefined } : {}) };
  const problem = monitorDefinitionProblem(clean);
  if (problem) throw new ArgumentError(`monitor: ${problem}`);
  try {
    parseProbeTarget(String(raw.target));
  } catch (error) {
    if (error instanceof TargetError) throw new ArgumentError(`monitor.target: ${error.message}`);
    throw error;
  }
  return clean as unknown as MonitorDefinition;
}

function hostArg(value: unknown, name: string): string {
  const host = stringArg(value, name, { minLength: 1, maxLength: 253 }).trim();
  if (!isSafeHostArgument(unbracketHost(host)))
    throw new ArgumentError(`${name} must be a host name or IP address`);
  return unbracketHost(host);
}

export function parsePingRequest(value: unknown): PingRequest {
  const raw = objectArg(value, 'request', [
    'host',
    'port',
    'method',
    'count',
    'intervalMs',
    'timeoutMs',
    'pingId',
  ]);
  const method = enumArg(raw.method, 'request.method', ['tcp', 'icmp'] as const);
  const request: PingRequest = {
    host: hostArg(raw.host, 'request.host'),
    method,
    count: integerArg(raw.count, 'request.count', { min: 1, max: MAX_UI_PING_COUNT }),
    intervalMs: integerArg(raw.intervalMs, 'request.intervalMs', { min: 0, max: 60_000 }),
    timeoutMs: integerArg(raw.timeoutMs, 'request.timeoutMs', { min: 1, max: 60_000 }),
  };
  if (raw.pingId !== undefined) request.pingId = idArg(raw.pingId, 'request.pingId');
  if (raw.port !== undefined) request.port = integerArg(raw.port, 'request.port', { min: 1, max: 65535 });
  else if (method === 'tcp') throw new ArgumentError('request.port is required for a TCP ping');
  return request;
}

export function parseTraceRequest(value: unknown): TraceRequest {
  const raw = objectArg(value, 'request', ['host', 'maxHops', 'waitMs']);
  const request: TraceRequest = { host: hostArg(raw.host, 'request.host') };
  if (raw.maxHops !== undefined)
    request.maxHops = integerArg(raw.maxHops, 'request.maxHops', { min: 1, max: 64 });
  if (raw.waitMs !== undefined)
    request.waitMs = integerArg(raw.waitMs, 'request.waitMs', { min: 1000, max: 10_000 });
  return request;
}

/** System tools and resolution failures come back as coded API failures, not engine errors. */
async function asApiFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MissingToolError) throw new ApiFailure('missing_tool', error.message);
    if (error instanceof PingResolveError) throw new ApiFailure(error.errorClass, error.message);
    if (error instanceof Error) throw new ApiFailure('tool_failed', error.message);
    throw error;
  }
}

export function probeHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'probe:run': {
      parse: (args) => [parseProbeRequest(argList(args, 1)[0])],
      handle: (request) => runProbe(request),
    },
    'probe:ping': {
      parse: (args) => [parsePingRequest(argList(args, 1)[0])],
      handle: (request) => asApiFailure(() => engine.ping(request)),
    },
    'probe:trace': {
      parse: (args) => [parseTraceRequest(argList(args, 1)[0])],
      handle: (request) =>
        asApiFailure(async () => {
          const { raw: _raw, ...report } = await traceRoute(request);
          return report;
        }),
    },
    'ports:list': {
      parse: (args) => (argList(args, 0), []),
      handle: async () =>
        (await listListeningSockets()).sort(
          (a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol),
        ),
    },
    'monitors:list': {
      parse: (args) => (argList(args, 0), []),
      handle: () => monitorsOf(engine).list(),
    },
    'monitors:save': {
      parse: (args) => [parseMonitorDefinition(argList(args, 1)[0])],
      handle: (def) => monitorsOf(engine).save(def),
    },
    'monitors:delete': {
      parse: (args) => [idArg(argList(args, 1)[0], 'id')],
      handle: async (id) => {
        const monitors = monitorsOf(engine);
        if (!monitors.list().some((m) => m.id === id))
          throw new ApiFailure('not_found', `No monitor with id ${id}.`);
        return monitors.delete(id);
      },
    },
    'monitors:history': {
      parse: (args) => [idArg(argList(args, 1)[0], 'id')],
      handle: (id) => {
        const monitors = monitorsOf(engine);
        if (!monitors.list().some((m) => m.id === id))
          throw new ApiFailure('not_found', `No monitor with id ${id}.`);
        return monitors.historyWithChanges(id);
      },
    },
  };
}
