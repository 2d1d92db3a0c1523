import { describe, expect, it } from 'vitest';
import { monitorDefinitionProblem, uptimePercent, type MonitorSample } from '@shared/monitor.js';

const sample = (ok: boolean): MonitorSample => ({
  monitorId: 'm',
  atMs: 0,
  ok,
  state: ok ? 'up' : 'down',
  durationMs: 1,
  timings: {},
});

describe('monitor contract', () => {
  it('computes uptime over samples', () => {
    expect(uptimePercent([sample(true), sample(true), sample(false), sample(true)])).toBe(75);
    expect(uptimePercent([])).toBeUndefined();
  });

  it('validates definitions', () => {
    const good = { id: 'a', name: 'A', target: 'http://x/', intervalMs: 5000, timeoutMs: 1000 };
    expect(monitorDefinitionProblem(good)).toBeUndefined();
    expect(monitorDefinitionProblem({ ...good, expectedStatus: 204, enabled: false })).toBeUndefined();
    expect(monitorDefinitionProblem(null)).toMatch(/object/);
    expect(monitorDefinitionProblem({ ...good, id: ' ' })).toMatch(/id/);
    expect(monitorDefinitionProblem({ ...good, intervalMs: 10 })).toMatch(/intervalMs/);
    expect(monitorDefinitionProblem({ ...good, timeoutMs: 10 ** 9 })).toMatch(/timeoutMs/);
    expect(monitorDefinitionProblem({ ...good, expectedStatus: 42 })).toMatch(/expectedStatus/);
    expect(monitorDefinitionProblem({ ...good, enabled: 'yes' })).toMatch(/enabled/);
  });
});
