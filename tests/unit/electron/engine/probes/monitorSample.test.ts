import { describe, expect, it } from 'vitest';
import { monitorSampleFromReport } from '@engine/probes/monitorSample.js';
import type { ProbeReport } from '@shared/probe.js';
import type { MonitorDefinition } from '@shared/monitor.js';

const def: MonitorDefinition = {
  id: 'm',
  name: 'API',
  target: 'http://x.test/',
  intervalMs: 5000,
  timeoutMs: 1000,
};
const base: ProbeReport = {
  target: 'http://x.test/',
  url: 'http://x.test/',
  scheme: 'http',
  host: 'x.test',
  port: 80,
  ok: true,
  startedAtMs: 0,
  totalMs: 12,
  timings: { dns: 1, connect: 2, wait: 8, receive: 1 },
  steps: [],
  attempts: [],
  timeoutMs: 1000,
};

describe('monitorSampleFromReport', () => {
  it('is up for a 2xx/3xx without an expected status', () => {
    expect(monitorSampleFromReport(def, { ...base, status: 204 }, 5)).toMatchObject({
      ok: true,
      state: 'up',
      status: 204,
      atMs: 5,
      durationMs: 12,
      timings: base.timings,
    });
    expect(monitorSampleFromReport(def, { ...base, status: 302 }, 5).ok).toBe(true);
    expect(monitorSampleFromReport(def, { ...base, status: 500 }, 5)).toMatchObject({
      ok: false,
      message: expect.stringContaining('HTTP 500'),
    });
  });

  it('compares with the expected status when one is set', () => {
    const expecting = { ...def, expectedStatus: 401 };
    expect(monitorSampleFromReport(expecting, { ...base, status: 401 }, 0).ok).toBe(true);
    expect(monitorSampleFromReport(expecting, { ...base, status: 200 }, 0)).toMatchObject({
      ok: false,
      message: expect.stringContaining('expected 401'),
    });
  });

  it('carries the failure class and message of a failed probe', () => {
    const failed = {
      ...base,
      ok: false,
      error: {
        class: 'connect_refused' as const,
        phase: 'connect' as const,
        elapsedMs: 1,
        message: 'refused!',
      },
    };
    expect(monitorSampleFromReport(def, failed, 0)).toMatchObject({
      ok: false,
      state: 'down',
      errorClass: 'connect_refused',
      message: 'refused!',
    });
  });

  it('is up for a TCP target that connected', () => {
    expect(monitorSampleFromReport({ ...def, target: 'x.test:22' }, { ...base, scheme: 'tcp' }, 0).ok).toBe(
      true,
    );
  });
});
