/** Turns a probe report into a monitor sample: the monitor's idea of up and down. */
import type { MonitorDefinition, MonitorSample } from '../../../shared/monitor.js';
import type { ProbeReport } from '../../../shared/probe.js';

export function monitorSampleFromReport(
  def: MonitorDefinition,
  report: ProbeReport,
  atMs: number,
): MonitorSample {
  const base = {
    monitorId: def.id,
    atMs,
    durationMs: report.totalMs,
    timings: report.timings,
    ...(report.status !== undefined ? { status: report.status } : {}),
  };
  if (!report.ok || report.error) {
    return {
      ...base,
      ok: false,
      state: 'down',
      ...(report.error ? { errorClass: report.error.class, message: report.error.message } : {}),
    };
  }
  if (report.status !== undefined) {
    const expected = def.expectedStatus;
    const good =
      expected !== undefined ? report.status === expected : report.status >= 200 && report.status < 400;
    if (!good) {
      return {
        ...base,
        ok: false,
        state: 'down',
        message:
          expected !== undefined
            ? `${report.url ?? def.target} answered HTTP ${report.status}, expected ${expected}.`
            : `${report.url ?? def.target} answered HTTP ${report.status}.`,
      };
    }
  }
  return { ...base, ok: true, state: 'up' };
}
