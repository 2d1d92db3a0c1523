/**
 * The JSON shapes of the toxiproxy-compatible API (docs/toxiproxy.md): a TCP proxy and its toxics,
 * as toxiproxy 2.x writes them, so its client libraries read NetLens unchanged.
 */

export const TOXIC_TYPES = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
  'noop',
] as const;
export type ToxicType = (typeof TOXIC_TYPES)[number];

/** Each toxic type's attributes, all integers, with toxiproxy's Go field names (for its messages). */
export const TOXIC_ATTRIBUTES: Record<ToxicType, { goType: string; attributes: Record<string, string> }> = {
  latency: { goType: 'LatencyToxic', attributes: { latency: 'ms', jitter: 'ms' } },
  bandwidth: { goType: 'BandwidthToxic', attributes: { rate: 'KB/s' } },
  slow_close: { goType: 'SlowCloseToxic', attributes: { delay: 'ms' } },
  timeout: { goType: 'TimeoutToxic', attributes: { timeout: 'ms' } },
  reset_peer: { goType: 'ResetToxic', attributes: { timeout: 'ms' } },
  slicer: {
    goType: 'SlicerToxic',
    attributes: { average_size: 'bytes', size_variation: 'bytes', delay: 'µs' },
  },
  limit_data: { goType: 'LimitDataToxic', attributes: { bytes: 'bytes' } },
  noop: { goType: 'NoopToxic', attributes: {} },
};

/** `upstream`: client → server; `downstream`: server → client. */
export type ToxicStream = 'upstream' | 'downstream';

/** A toxic as the API shows it (field order as toxiproxy writes it). */
export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  toxicity: number;
}

/** A TCP proxy as the API shows it, with its toxics. */
export interface TcpProxyInfo {
  name: string;
  /** host:port it listens on (the real port once listening, when 0 was asked). */
  listen: string;
  /** host:port it connects to. */
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}
