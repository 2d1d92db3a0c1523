/**
 * The monitor service with an injected probe and fake timers: scheduling, no overlapping runs,
 * state changes, persistence, and stop() waiting for the probe in flight.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMonitorService } from '@engine/probes/monitorService.js';
import type { EngineEvent } from '@shared/api.js';
import type { ProbeReport, ProbeRequest } from '@shared/probe.js';
import type { MonitorDefinition, MonitorEventPayload } from '@shared/monitor.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-monitors-'));
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dataDir, { recursive: true, force: true });
});

function report(request: ProbeRequest, patch: Partial<ProbeReport>): ProbeReport {
  return {
    target: request.target,
    scheme: 'http',
    host: 'x.test',
    port: 80,
    ok: true,
    status: 200,
    startedAtMs: Date.now(),
    totalMs: 3,
    timings: { connect: 1, wait: 2 },
    steps: [],
    attempts: [],
    timeoutMs: request.timeoutMs ?? 1000,
    ...patch,
  };
}

const api: MonitorDefinition = {
  id: 'api',
  name: 'API',
  target: 'http://x.test/health',
  intervalMs: 1000,
  timeoutMs: 500,
};

function monitorEvents(events: EngineEvent[]): MonitorEventPayload[] {
  return events.flatMap((e) => (e.type === 'monitor:event' ? [e.payload] : []));
}

describe('monitor service', () => {
  it('runs each monitor on its interval and emits samples and up/down changes', async () => {
    const statuses = [200, 503, 503, 200];
    const events: EngineEvent[] = [];
    const service = createMonitorService({
      dataDir,
      emit: (e) => events.push(e),
      probe: async (request) => report(request, { status: statuses.shift() ?? 200 }),
    });
    service.start();
    await service.save(api);
    await vi.advanceTimersByTimeAsync(3500);
    await service.stop();
    const samples = service.history('api');
    expect(samples.map((s) => [s.status, s.state])).toEqual([
      [200, 'up'],
      [503, 'down'],
      [503, 'down'],
      [200, 'up'],
    ]);
    const changes = monitorEvents(events).filter((e) => e.kind === 'state');
    expect(changes.map((c) => (c.kind === 'state' ? [c.from, c.to] : []))).toEqual([
      ['up', 'down'],
      ['down', 'up'],
    ]);
    expect(changes[0]).toMatchObject({
      monitorId: 'api',
      name: 'API',
      message: expect.stringContaining('HTTP 503'),
    });
    expect(service.historyWithChanges('api').changes).toHaveLength(2);
    expect(service.states()).toEqual({ api: 'up' });
  });

  it('never overlaps runs of one monitor, even when a probe outlasts the interval', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const service = createMonitorService({
      dataDir,
      emit: () => undefined,
      probe: async (request) => {
        running += 1;
        runs += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        running -= 1;
        return report(request, {});
      },
    });
    service.start();
    await service.save(api);
    await vi.advanceTimersByTimeAsync(10_000);
    const stopping = service.stop();
    await vi.advanceTimersByTimeAsync(3000);
    await stopping;
    expect(maxRunning).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(runs).toBeLessThanOrEqual(5);
  });

  it('stop() waits for the probe in flight and schedules nothing after', async () => {
    let finished = false;
    let runs = 0;
    const service = createMonitorService({
      dataDir,
      emit: () => undefined,
      probe: async (request) => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
        return report(request, {});
      },
    });
    service.start();
    await service.save(api);
    await vi.advanceTimersByTimeAsync(10);
    const stopping = service.stop();
    await vi.advanceTimersByTimeAsync(300);
    await stopping;
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(1);
  });

  it('stop() gives up on a probe that outlasts the grace period, and drops its late result', async () => {
    const service = createMonitorService({
      dataDir,
      emit: () => undefined,
      stopGraceMs: 1000,
      probe: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 60_000));
        return report(request, {});
      },
    });
    service.start();
    await service.save(api);
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = service.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(service.history('api')).toEqual([]);
  });

  it('passes insecure to the probe for a monitor that accepts invalid certificates', async () => {
    const requests: ProbeRequest[] = [];
    const service = createMonitorService({
      dataDir,
      emit: () => undefined,
      probe: async (request) => {
        requests.push(request);
        return report(request, {});
      },
    });
    service.start();
    await service.save({ ...api, insecure: true });
    await vi.advanceTimersByTimeAsync(10);
    await service.stop();
    expect(requests[0]).toEqual({ target: api.target, timeoutMs: api.timeoutMs, retries: 0, insecure: true });
    expect(service.list()[0]!.insecure).toBe(true);
  });

  it('persists definitions, reloads them, and deletes', async () => {
    const service = createMonitorService({
      dataDir,
      emit: () => undefined,
      probe: async (r) => report(r, {}),
    });
    await service.save(api);
    await service.save({ ...api, id: 'db', name: 'DB', target: 'db.test:5432', expectedStatus: undefined });
    const saved = JSON.parse(
      readFileSync(path.join(dataDir, 'monitors.json'), 'utf8'),
    ) as MonitorDefinition[];
    expect(saved.map((m) => m.id)).toEqual(['api', 'db']);
    const reloaded = createMonitorService({ dataDir, emit: () => undefined });
    expect(reloaded.list()).toEqual(saved);
    expect(await reloaded.delete('api')).toEqual([saved[1]]);
    await expect(reloaded.delete('nope')).rejects.toThrow(/No monitor/);
    await expect(reloaded.save({ ...api, intervalMs: 5 })).rejects.toThrow(/intervalMs/);
  });

  it('warns about an unreadable file, keeps a copy, and starts empty', () => {
    writeFileSync(path.join(dataDir, 'monitors.json'), '{ not json');
    const events: EngineEvent[] = [];
    const service = createMonitorService({ dataDir, emit: (e) => events.push(e) });
    expect(service.list()).toEqual([]);
    expect(events).toEqual([
      { type: 'notice', level: 'warning', message: expect.stringContaining('monitors.json') },
    ]);
    expect(readFileSync(path.join(dataDir, 'monitors.json.bak'), 'utf8')).toBe('{ not json');
  });

  it('skips invalid entries and keeps the valid ones', () => {
    writeFileSync(path.join(dataDir, 'monitors.json'), JSON.stringify([api, { id: 'x' }, api]));
    const events: EngineEvent[] = [];
    const service = createMonitorService({ dataDir, emit: (e) => events.push(e) });
    expect(service.list()).toEqual([api]);
    const warnings = events.filter((e) => e.type === 'notice');
    expect(warnings.length).toBeGreaterThanOrEqual(2);
  });

  it('records a probe that throws as a failed sample instead of stopping', async () => {
    const service = createMonitorService({
      dataDir,
      emit: () => undefined,
      probe: async () => {
        throw new Error('boom');
      },
    });
    service.start();
    await service.save(api);
    await vi.advanceTimersByTimeAsync(10);
    await service.stop();
    expect(service.history('api')[0]).toMatchObject({
      ok: false,
      state: 'down',
      message: expect.stringContaining('boom'),
    });
  });
});
