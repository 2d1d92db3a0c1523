// Temporary: replaced by the real runner in the next commit.
import type { ProbeReport, ProbeRequest } from '../../../shared/probe.js';

export async function runProbe(request: ProbeRequest): Promise<ProbeReport> {
  return {
    target: request.target,
    scheme: 'tcp',
    host: '',
    port: 0,
    ok: false,
    startedAtMs: Date.now(),
    totalMs: 0,
    timings: {},
    steps: [],
    attempts: [],
    timeoutMs: request.timeoutMs ?? 5000,
  };
}
