/**
 * Monitors: health checks the user defines, run by the engine while the app is open. Each
 * monitor runs on its own timer; a run is scheduled only after the previous one finished, so
 * runs of one monitor never overlap. Samples are kept in a bounded ring buffer; up↔down
 * transitions are emitted as `monitor:event` state changes (the shell turns them into
 * desktop notifications).
 */
import type { EngineEvent } from '../../../shared/api.js';
import {
  MONITOR_HISTORY_SIZE,
  monitorDefinitionProblem,
  type MonitorDefinition,
  type MonitorHistory,
  type MonitorSample,
  type MonitorState,
  type MonitorStateChange,
} from '../../../shared/monitor.js';
import type { ProbeReport, ProbeRequest } from '../../../shared/probe.js';
import { RingBuffer } from './ringBuffer.js';
import { loadMonitors, normalizeDefinition, saveMonitors } from './monitorStore.js';
import { runProbe } from './probeRunner.js';
import { monitorSampleFromReport } from './monitorSample.js';

export interface MonitorService {
  list(): MonitorDefinition[];
  /** Adds or replaces (by id) a definition, persists, and (re)schedules it. Rejects on an invalid one. */
  save(def: MonitorDefinition): Promise<MonitorDefinition[]>;
  delete(id: string): Promise<MonitorDefinition[]>;
  /** Samples kept in memory, oldest first. */
  history(id: string): MonitorSample[];
  /** Samples and state changes, oldest first. */
  historyWithChanges(id: string): MonitorHistory;
  /** Current state of every monitor. */
  states(): Record<string, MonitorState>;
  start(): void;
  /** Stops the timers and waits for in-flight probes. */
  stop(): Promise<void>;
}

export interface MonitorServiceOptions {
  dataDir: string;
  emit: (event: EngineEvent) => void;
  /** Injected by tests; defaults to the real probe runner. */
  probe?: (request: ProbeRequest) => Promise<ProbeReport>;
  now?: () => number;
  historySize?: number;
  /**
   * How long stop() waits for probes in flight. Every probe phase is bounded, but a monitor with
   * long timeouts could hold an app's quit for minutes; past this, stop() resolves and the late
   * result is dropped.
   */
  stopGraceMs?: number;
}

const CHANGES_KEPT = 200;
export const DEFAULT_STOP_GRACE_MS = 5_000;

interface Runner {
  def: MonitorDefinition;
  samples: RingBuffer<MonitorSample>;
  changes: RingBuffer<MonitorStateChange>;
  state: MonitorState;
  timer?: ReturnType<typeof setTimeout>;
  inFlight?: Promise<void>;
  /** Bumped on every (re)definition so a run started for an old definition does not reschedule. */
  generation: number;
}

export function createMonitorService(options: MonitorServiceOptions): MonitorService {
  const probe = options.probe ?? ((request: ProbeRequest) => runProbe(request));
  const now = options.now ?? Date.now;
  const historySize = options.historySize ?? MONITOR_HISTORY_SIZE;
  const runners = new Map<string, Runner>();
  let running = false;
  let gaveUp = false;
  let writes: Promise<void> = Promise.resolve();

  const loaded = loadMonitors(options.dataDir);
  for (const warning of loaded.warnings) emitSafely({ type: 'notice', level: 'warning', message: warning });
  for (const def of loaded.monitors) runners.set(def.id, newRunner(def));

  function newRunner(def: MonitorDefinition): Runner {
    return {
      def,
      samples: new RingBuffer<MonitorSample>(historySize),
      changes: new RingBuffer<MonitorStateChange>(CHANGES_KEPT),
      state: 'unknown',
      generation: 0,
    };
  }

  // A listener that throws must not stop the monitors.
  function emitSafely(event: EngineEvent): void {
    try {
      options.emit(event);
    } catch {
      /* the listener's problem, not the monitor's */
    }
  }

  function list(): MonitorDefinition[] {
    return [...runners.values()].map((r) => ({ ...r.def }));
  }

  function persist(): Promise<void> {
    const snapshot = list();
    // Serialised so two quick saves cannot interleave their writes.
    writes = writes.catch(() => undefined).then(() => saveMonitors(options.dataDir, snapshot));
    return writes;
  }

  function schedule(runner: Runner, delayMs: number): void {
    if (!running || runner.def.enabled === false) return;
    clearTimeout(runner.timer);
    const generation = runner.generation;
    runner.timer = setTimeout(() => {
      runner.timer = undefined;
      if (runner.inFlight) return; // never overlap; the running one reschedules
      const started = now();
      runner.inFlight = runOnce(runner).finally(() => {
        runner.inFlight = undefined;
        if (runners.get(runner.def.id) !== runner || generation !== runner.generation) {
          schedule(runner, 0);
          return;
        }
        schedule(runner, Math.max(0, runner.def.intervalMs - (now() - started)));
      });
    }, delayMs);
    runner.timer.unref?.();
  }

  async function runOnce(runner: Runner): Promise<void> {
    const def = runner.def;
    const atMs = now();
    let sample: MonitorSample;
    try {
      const report = await probe({
        target: def.target,
        timeoutMs: def.timeoutMs,
        retries: 0,
        ...(def.insecure ? { insecure: true } : {}),
      });
      sample = monitorSampleFromReport(def, report, atMs);
    } catch (error) {
      sample = {
        monitorId: def.id,
        atMs,
        ok: false,
        state: 'down',
        durationMs: now() - atMs,
        timings: {},
        message: `The probe could not run: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (runners.get(def.id) !== runner) return; // deleted meanwhile
    if (gaveUp) return; // finished after stop() stopped waiting for it
    record(runner, sample);
  }

  function record(runner: Runner, sample: MonitorSample): void {
    const to: MonitorState = sample.ok ? 'up' : 'down';
    sample.state = to;
    runner.samples.push(sample);
    emitSafely({ type: 'monitor:event', payload: { kind: 'sample', monitorId: runner.def.id, sample } });
    const from = runner.state;
    runner.state = to;
    // unknown → up is the normal start, not news; unknown → down is (the service is down from the start).
    if (from === to || (from === 'unknown' && to === 'up')) return;
    const change: MonitorStateChange = {
      kind: 'state',
      monitorId: runner.def.id,
      name: runner.def.name,
      from,
      to,
      atMs: sample.atMs,
      message:
        to === 'down'
          ? `${runner.def.name} is down: ${sample.message ?? 'the check failed'}`
          : `${runner.def.name} is up again${sample.status !== undefined ? ` (HTTP ${sample.status})` : ''} after ${describeDowntime(runner, sample.atMs)}.`,
    };
    runner.changes.push(change);
    emitSafely({ type: 'monitor:event', payload: change });
  }

  function describeDowntime(runner: Runner, atMs: number): string {
    const changes = runner.changes.toArray();
    const wentDown = [...changes].reverse().find((c) => c.to === 'down');
    if (!wentDown) return 'being down';
    const seconds = Math.max(0, Math.round((atMs - wentDown.atMs) / 1000));
    return seconds < 120 ? `${seconds} s down` : `${Math.round(seconds / 60)} min down`;
  }

  return {
    list,
    async save(def) {
      const problem = monitorDefinitionProblem(def);
      if (problem) throw new Error(`Invalid monitor: ${problem}.`);
      const clean = normalizeDefinition(def);
      const existing = runners.get(clean.id);
      if (existing) {
        const targetChanged = existing.def.target !== clean.target;
        existing.def = clean;
        existing.generation += 1;
        if (targetChanged) {
          existing.samples.clear();
          existing.changes.clear();
          existing.state = 'unknown';
        }
        clearTimeout(existing.timer);
        if (!existing.inFlight) schedule(existing, 0);
      } else {
        const runner = newRunner(clean);
        runners.set(clean.id, runner);
        schedule(runner, 0);
      }
      await persist();
      return list();
    },
    async delete(id) {
      const runner = runners.get(id);
      if (!runner) throw new Error(`No monitor with id ${id}.`);
      clearTimeout(runner.timer);
      runners.delete(id);
      await persist();
      return list();
    },
    history(id) {
      return runners.get(id)?.samples.toArray() ?? [];
    },
    historyWithChanges(id) {
      const runner = runners.get(id);
      return { samples: runner?.samples.toArray() ?? [], changes: runner?.changes.toArray() ?? [] };
    },
    states() {
      return Object.fromEntries([...runners.values()].map((r) => [r.def.id, r.state]));
    },
    start() {
      if (running) return;
      running = true;
      gaveUp = false;
      for (const runner of runners.values()) schedule(runner, 0);
    },
    async stop() {
      running = false;
      for (const runner of runners.values()) clearTimeout(runner.timer);
      const inFlight = Promise.allSettled([...runners.values()].map((r) => r.inFlight).filter(Boolean));
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        inFlight,
        new Promise<void>((resolve) => {
          grace = setTimeout(() => {
            gaveUp = true;
            resolve();
          }, options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(grace);
      await writes.catch(() => undefined);
    },
  };
}
