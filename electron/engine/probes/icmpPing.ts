/** ICMP ping through the system's `ping` (raw sockets need privileges Node does not have). */
import type { PingReport, PingSample } from '../../../shared/probe.js';
import { parsePingOutput } from './pingOutput.js';
import { isMissing, isSafeHostArgument, MissingToolError, runTool } from './systemTool.js';

export interface IcmpPingOptions {
  host: string;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  platform?: NodeJS.Platform;
  /** Called for each reply (or timeout line) as the tool prints it. */
  onSample?: (sample: PingSample, address: string | undefined) => void;
}

/** The arguments each platform's ping takes for count, interval and per-reply timeout. */
export function pingArgs(options: IcmpPingOptions, platform: NodeJS.Platform): string[] {
  const count = String(Math.max(1, Math.floor(options.count)));
  if (platform === 'win32')
    return ['-n', count, '-w', String(Math.max(1, Math.round(options.timeoutMs))), options.host];
  // Below 0.2 s iputils and BSD ping require root; stay above it.
  const interval = (Math.max(200, options.intervalMs) / 1000).toFixed(1);
  const waitSeconds = String(Math.max(1, Math.ceil(options.timeoutMs / 1000)));
  if (platform === 'darwin' || platform.endsWith('bsd'))
    return [
      '-c',
      count,
      '-i',
      interval,
      '-W',
      String(Math.max(1, Math.round(options.timeoutMs))),
      options.host,
    ];
  return ['-c', count, '-i', interval, '-W', waitSeconds, options.host];
}

export async function icmpPing(options: IcmpPingOptions): Promise<PingReport & { raw: string }> {
  if (!isSafeHostArgument(options.host))
    throw new Error(`"${options.host}" is not a host name or IP address.`);
  const platform = options.platform ?? process.platform;
  const args = pingArgs(options, platform);
  const limitMs = options.count * Math.max(options.intervalMs, 200) + options.timeoutMs + 5_000;
  let output;
  try {
    const told = new Set<number>();
    output = await runTool('ping', args, limitMs, (stdout) => {
      if (!options.onSample) return;
      // Only complete lines: a reply cut mid-line would be read with half its time.
      const parsed = parsePingOutput(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
      for (const sample of parsed.samples) {
        if (told.has(sample.seq)) continue;
        told.add(sample.seq);
        options.onSample(sample, parsed.address);
      }
    });
  } catch (error) {
    if (isMissing(error))
      throw new MissingToolError(
        ['ping'],
        platform === 'linux'
          ? 'Install it (Debian/Ubuntu: `apt-get install iputils-ping`) or use TCP ping (without --icmp).'
          : 'Use TCP ping instead (without --icmp).',
      );
    throw error;
  }
  const parsed = parsePingOutput(output.stdout);
  if (parsed.stats.sent === 0 && output.code !== 0) {
    const reason = (output.stderr || output.stdout).trim().split('\n')[0] ?? '';
    throw new Error(`ping ${options.host} failed${reason ? `: ${reason}` : ''}`);
  }
  return {
    host: options.host,
    method: 'icmp',
    ...(parsed.address ? { address: parsed.address } : {}),
    samples: parsed.samples,
    stats: parsed.stats,
    raw: output.stdout,
  };
}
