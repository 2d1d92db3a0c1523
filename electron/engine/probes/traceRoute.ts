/**
 * Traceroute through whichever system tool exists: traceroute, then tracepath (Linux), or
 * tracert (Windows). The output is parsed into hops; a missing tool is named in the error.
 */
import type { TraceReport } from '../../../shared/probe.js';
import { parseTracepath, parseTraceroute, parseTracert, type ParsedTrace } from './traceOutput.js';
import { isMissing, isSafeHostArgument, MissingToolError, runTool } from './systemTool.js';

export interface TraceOptions {
  host: string;
  maxHops?: number;
  /** Wait for each probe's answer. */
  waitMs?: number;
  platform?: NodeJS.Platform;
}

interface Tool {
  command: string;
  args: (host: string, maxHops: number, waitSeconds: number) => string[];
  parse: (text: string) => ParsedTrace;
}

const TOOLS: Record<string, Tool> = {
  traceroute: {
    command: 'traceroute',
    args: (h, m, w) => ['-q', '3', '-w', String(w), '-m', String(m), h],
    parse: parseTraceroute,
  },
  tracepath: { command: 'tracepath', args: (h, m) => ['-m', String(m), h], parse: parseTracepath },
  tracert: {
    command: 'tracert',
    args: (h, m, w) => ['-h', String(m), '-w', String(w * 1000), h],
    parse: parseTracert,
  },
};

export function traceToolsFor(platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? ['tracert'] : ['traceroute', 'tracepath'];
}

export async function traceRoute(options: TraceOptions): Promise<TraceReport & { raw: string }> {
  if (!isSafeHostArgument(options.host))
    throw new Error(`"${options.host}" is not a host name or IP address.`);
  const platform = options.platform ?? process.platform;
  const maxHops = Math.min(Math.max(1, options.maxHops ?? 30), 64);
  const waitSeconds = Math.max(1, Math.round((options.waitMs ?? 2000) / 1000));
  // Bounded: every hop may time out on all three probes.
  const limitMs = maxHops * 3 * waitSeconds * 1000 + 10_000;
  const names = traceToolsFor(platform);
  for (const name of names) {
    const tool = TOOLS[name]!;
    let output;
    try {
      output = await runTool(tool.command, tool.args(options.host, maxHops, waitSeconds), limitMs);
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
    const parsed = tool.parse(output.stdout);
    if (parsed.hops.length === 0 && output.code !== 0) {
      const reason = (output.stderr || output.stdout).trim().split('\n')[0] ?? '';
      throw new Error(`${name} ${options.host} failed${reason ? `: ${reason}` : ''}`);
    }
    return { host: options.host, tool: name, ...parsed, raw: output.stdout };
  }
  throw new MissingToolError(
    names,
    platform === 'linux'
      ? 'Install one (Debian/Ubuntu: `apt-get install traceroute` or `apt-get install iputils-tracepath`).'
      : platform === 'darwin'
        ? 'traceroute ships with macOS; check your PATH.'
        : 'Install a traceroute tool and try again.',
  );
}
