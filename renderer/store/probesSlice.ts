/**
 * The Probes view's state, kept in the store so a result survives switching views: the form,
 * the run in flight, and the last reports (newest first).
 */
import type { PingSample, ProbeReport, ProbeRequest } from '../../shared/probe';
import { DEFAULT_PROBE_TIMEOUT_MS } from '../../shared/probe';
import type { SliceCreator } from './sliceCreator';

export interface ProbeForm {
  target: string;
  timeoutMs: number;
  retries: number;
  resolver: string;
  followRedirects: boolean;
  insecure: boolean;
}

export type ProbeTool = 'probe' | 'ping' | 'trace' | 'ports';

export interface ProbesSlice {
  /** Which tool of the Probes view is open. */
  probeTool: ProbeTool;
  setProbeTool(tool: ProbeTool): void;
  probeForm: ProbeForm;
  setProbeForm(patch: Partial<ProbeForm>): void;
  probeRunning: boolean;
  /** The API call itself failed (bad target, disconnected): not a probe failure. */
  probeCallError?: string;
  /** Newest first, at most PROBE_REPORTS_KEPT. */
  probeReports: ProbeReport[];
  probeStarted(): void;
  probeFinished(result: { report?: ProbeReport; error?: string }): void;
  /** The samples of the ping the Ping panel runs, as the engine takes them (`ping:sample`). */
  pingLive?: LivePing;
  /** Starts listening for the samples of `pingId` (those of any earlier ping are dropped). */
  startPingLive(pingId: string): void;
}

export interface LivePing {
  pingId: string;
  address?: string;
  samples: PingSample[];
}

/** The live ping after a batch of its samples (samples of another ping are ignored). */
export function withPingSamples(
  live: LivePing | undefined,
  events: readonly { pingId: string; sample: PingSample; address?: string }[],
): LivePing | undefined {
  if (!live) return live;
  const mine = events.filter((e) => e.pingId === live.pingId);
  if (mine.length === 0) return live;
  const address = mine.find((e) => e.address !== undefined)?.address ?? live.address;
  return {
    pingId: live.pingId,
    ...(address !== undefined ? { address } : {}),
    samples: [...live.samples, ...mine.map((e) => e.sample)],
  };
}

export const PROBE_REPORTS_KEPT = 10;

export function probeRequestOf(form: ProbeForm): ProbeRequest {
  const request: ProbeRequest = {
    target: form.target.trim(),
    timeoutMs: form.timeoutMs,
    retries: form.retries,
    followRedirects: form.followRedirects,
  };
  if (form.resolver.trim() !== '') request.resolver = form.resolver.trim();
  if (form.insecure) request.insecure = true;
  return request;
}

export const createProbesSlice: SliceCreator<ProbesSlice> = (set) => ({
  probeTool: 'probe',
  setProbeTool: (probeTool) => set({ probeTool }),
  probeForm: {
    target: '',
    timeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
    retries: 0,
    resolver: '',
    followRedirects: true,
    insecure: false,
  },
  setProbeForm: (patch) => set((s) => ({ probeForm: { ...s.probeForm, ...patch } })),
  probeRunning: false,
  probeCallError: undefined,
  probeReports: [],
  probeStarted: () => set({ probeRunning: true, probeCallError: undefined }),
  pingLive: undefined,
  startPingLive: (pingId) => set({ pingLive: { pingId, samples: [] } }),
  probeFinished: ({ report, error }) =>
    set((s) => ({
      probeRunning: false,
      probeCallError: error,
      probeReports: report ? [report, ...s.probeReports].slice(0, PROBE_REPORTS_KEPT) : s.probeReports,
    })),
});
