/**
 * A ping as the UI asks for it: TCP connect or the system's ICMP ping, each sample told as it is
 * taken (the Probes view charts them live), the whole report at the end.
 */
import type { PingReport, PingRequest, PingSample } from '../../../shared/probe.js';
import { icmpPing } from './icmpPing.js';
import { tcpPing } from './tcpPing.js';

export type PingSampleListener = (sample: PingSample, address: string | undefined) => void;

export async function runPing(request: PingRequest, onSample?: PingSampleListener): Promise<PingReport> {
  const { pingId: _pingId, ...options } = request;
  if (options.method === 'icmp') {
    const { raw: _raw, ...report } = await icmpPing({ ...options, ...(onSample ? { onSample } : {}) });
    return report;
  }
  if (options.port === undefined) throw new Error('A TCP ping needs a port.');
  return tcpPing({ ...options, port: options.port, ...(onSample ? { onSample } : {}) });
}
