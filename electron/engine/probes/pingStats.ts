/** min/avg/max/stddev and loss of a ping run, computed the way iputils does (mdev = population stddev). */
import type { PingSample, PingStats } from '../../../shared/probe.js';

export function pingStats(samples: readonly PingSample[]): PingStats {
  const times = samples.filter((s) => s.ok && s.timeMs !== undefined).map((s) => s.timeMs!);
  const sent = samples.length;
  const received = times.length;
  const stats: PingStats = {
    sent,
    received,
    lossPercent: sent === 0 ? 0 : round(((sent - received) / sent) * 100),
  };
  if (received === 0) return stats;
  const avg = times.reduce((a, b) => a + b, 0) / received;
  const variance = times.reduce((a, t) => a + (t - avg) ** 2, 0) / received;
  return {
    ...stats,
    minMs: round(Math.min(...times)),
    avgMs: round(avg),
    maxMs: round(Math.max(...times)),
    stddevMs: round(Math.sqrt(variance)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
