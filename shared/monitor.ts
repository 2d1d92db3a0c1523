/**
 * Monitor contract: user-defined health checks run by the engine while the app is open.
 * Persisted as `<dataDir>/monitors.json` (an array of MonitorDefinition).
 */
import type { ErrorClass } from './errors.js';
import type { Timings } from './timing.js';

export const MIN_MONITOR_INTERVAL_MS = 1_000;
export const MAX_MONITOR_INTERVAL_MS = 24 * 60 * 60 * 1000;
export const MIN_MONITOR_TIMEOUT_MS = 100;
export const MAX_MONITOR_TIMEOUT_MS = 120_000;
/** Samples kept in memory per monitor (a ring buffer). */
export const MONITOR_HISTORY_SIZE = 500;

export interface MonitorDefinition {
  id: string;
  name: string;
  /** Probe target: URL or host:port. */
  target: string;
  intervalMs: number;
  /** Per-phase probe timeout. */
  timeoutMs: number;
  /** When set, any other status is a failure; otherwise any 2xx/3xx is up. */
  expectedStatus?: number;
  /** Disabled monitors are kept but not run. Default true. */
  enabled?: boolean;
  /** Accept a certificate the probe rejects (an internal CA, a self-signed dev server). */
  insecure?: boolean;
}

export type MonitorState = 'unknown' | 'up' | 'down';

export interface MonitorSample {
  monitorId: string;
  atMs: number;
  ok: boolean;
  /** The monitor's state after this sample. */
  state: MonitorState;
  durationMs: number;
  timings: Timings;
  status?: number;
  errorClass?: ErrorClass;
  /** Failure message (taxonomy message, or the unexpected status). */
  message?: string;
}

export interface MonitorStateChange {
  kind: 'state';
  monitorId: string;
  name: string;
  from: MonitorState;
  to: MonitorState;
  atMs: number;
  message: string;
}

export interface MonitorSampleEvent {
  kind: 'sample';
  monitorId: string;
  sample: MonitorSample;
}

/** Payload of the engine event `{type: 'monitor:event'}`. */
export type MonitorEventPayload = MonitorSampleEvent | MonitorStateChange;

export interface MonitorHistory {
  samples: MonitorSample[];
  changes: MonitorStateChange[];
}

/** Up when the sample succeeded; a monitor's uptime counts samples. */
export function uptimePercent(samples: readonly MonitorSample[]): number | undefined {
  if (samples.length === 0) return undefined;
  const up = samples.filter((s) => s.ok).length;
  return (up / samples.length) * 100;
}

/** Checks a definition coming from the UI or the file; returns the problem, or undefined. */
export function monitorDefinitionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a monitor must be an object';
  const m = value as Record<string, unknown>;
  if (typeof m.id !== 'string' || m.id.trim() === '') return 'id must be a non-empty string';
  if (typeof m.name !== 'string' || m.name.trim() === '') return 'name must be a non-empty string';
  if (typeof m.target !== 'string' || m.target.trim() === '') return 'target must be a URL or host:port';
  if (
    typeof m.intervalMs !== 'number' ||
    !Number.isFinite(m.intervalMs) ||
    m.intervalMs < MIN_MONITOR_INTERVAL_MS ||
    m.intervalMs > MAX_MONITOR_INTERVAL_MS
  )
    return `intervalMs must be between ${MIN_MONITOR_INTERVAL_MS} and ${MAX_MONITOR_INTERVAL_MS}`;
  if (
    typeof m.timeoutMs !== 'number' ||
    !Number.isFinite(m.timeoutMs) ||
    m.timeoutMs < MIN_MONITOR_TIMEOUT_MS ||
    m.timeoutMs > MAX_MONITOR_TIMEOUT_MS
  )
    return `timeoutMs must be between ${MIN_MONITOR_TIMEOUT_MS} and ${MAX_MONITOR_TIMEOUT_MS}`;
  if (
    m.expectedStatus !== undefined &&
    (typeof m.expectedStatus !== 'number' ||
      !Number.isInteger(m.expectedStatus) ||
      m.expectedStatus < 100 ||
      m.expectedStatus > 599)
  )
    return 'expectedStatus must be an HTTP status between 100 and 599';
  if (m.enabled !== undefined && typeof m.enabled !== 'boolean') return 'enabled must be true or false';
  if (m.insecure !== undefined && typeof m.insecure !== 'boolean') return 'insecure must be true or false';
  return undefined;
}
