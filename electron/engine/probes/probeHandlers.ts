/**
 * API handlers for probes and monitors (`probe:run`, `monitors:*`). Arguments arrive untrusted
 * over IPC or the WebSocket: each is checked before the engine acts on it.
 */
import type { Engine } from '../engine.js';
import type { HandlerTable } from '../apiHandlers.js';
import { ApiFailure } from '../apiFailure.js';
import {
  ArgumentError,
  argList,
  booleanArg,
  enumArg,
  idArg,
  integerArg,
  objectArg,
  stringArg,
} from '../apiArguments.js';
import { MAX_PROBE_RETRIES, type ProbeRequest } from '../../../shared/probe.js';
import { monitorDefinitionProblem, type MonitorDefinition } from '../../../shared/monitor.js';
import { runProbe, MAX_PROBE_TIMEOUT_MS } from './probeRunner.js';
import { parseProbeTarget, TargetError } from './probeTarget.js';
import { isResolverAddress } from './dnsProbe.js';
import type { MonitorService } from './monitorService.js';

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

export function probeHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'probe:run': {
      parse: (args) => [parseProbeRequest(argList(args, 1)[0])],
      handle: (request) => runProbe(request),
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
