/**
 * Parses the output of the system `ping`: Linux iputils, BSD/macOS and Windows. Pure, tested
 * against recorded outputs (tests/fixtures/system/ping-*). The tool's own summary wins where it
 * has one (it counts replies that arrived after we stopped reading); samples fill in the rest.
 */
import type { PingSample, PingStats } from '../../../shared/probe.js';
import { pingStats } from './pingStats.js';

export interface ParsedPing {
  format: 'iputils' | 'bsd' | 'windows' | 'unknown';
  /** The address the tool pinged. */
  address?: string;
  samples: PingSample[];
  stats: PingStats;
}

export function parsePingOutput(text: string): ParsedPing {
  const lines = text.split(/\r?\n/);
  if (/^Pinging |Ping statistics for /m.test(text)) return parseWindows(lines);
  const format: ParsedPing['format'] = /packets received|round-trip |Request timeout for icmp_seq/.test(text)
    ? 'bsd'
    : /^PING /m.test(text)
      ? 'iputils'
      : 'unknown';
  const bySeq = new Map<number, PingSample>();
  let address: string | undefined;
  for (const line of lines) {
    const header = /^PING\s+\S+\s+\(([^)]+)\)/.exec(line) ?? /^PING\s+([^\s(]+?)\(([^)]+)\)/.exec(line);
    if (header && !address) address = header[2] ?? header[1];
    const reply = /bytes from .*icmp_seq=(\d+).*time[=<]([\d.]+)\s*ms/.exec(line);
    if (reply) {
      const seq = Number(reply[1]);
      bySeq.set(seq, { seq, ok: true, timeMs: Number(reply[2]) });
      continue;
    }
    const timeout = /Request timeout for icmp_seq (\d+)/.exec(line);
    if (timeout) {
      const seq = Number(timeout[1]);
      bySeq.set(seq, { seq, ok: false, error: 'timeout' });
      continue;
    }
    const errorLine = /^From (\S+).*icmp_seq=(\d+)\s+(.+)$/.exec(line);
    if (errorLine) {
      const seq = Number(errorLine[2]);
      if (!bySeq.get(seq)?.ok) bySeq.set(seq, { seq, ok: false, error: errorLine[3]!.trim() });
    }
  }
  const summary = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text) ?? undefined;
  const transmitted = summary ? Number(summary[1]) : undefined;
  // iputils numbers from 1, BSD from 0; seqs never seen were lost.
  const first = format === 'bsd' ? 0 : 1;
  if (transmitted !== undefined) {
    for (let seq = first; seq < first + transmitted; seq += 1) {
      if (!bySeq.has(seq)) bySeq.set(seq, { seq, ok: false, error: 'no reply' });
    }
  }
  const samples = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const computed = pingStats(samples);
  const stats: PingStats = { ...computed };
  if (summary) {
    stats.sent = Number(summary[1]);
    stats.received = Number(summary[2]);
    const loss = /([\d.]+)% packet loss/.exec(text);
    if (loss) stats.lossPercent = Number(loss[1]);
  }
  const rtt =
    /(?:rtt|round-trip) min\/avg\/max\/(?:mdev|stddev) = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/.exec(
      text,
    );
  if (rtt) {
    stats.minMs = Number(rtt[1]);
    stats.avgMs = Number(rtt[2]);
    stats.maxMs = Number(rtt[3]);
    stats.stddevMs = Number(rtt[4]);
  }
  return { format, ...(address ? { address } : {}), samples, stats };
}

function parseWindows(lines: string[]): ParsedPing {
  const samples: PingSample[] = [];
  let address: string | undefined;
  let seq = 0;
  const text = lines.join('\n');
  for (const line of lines) {
    const header = /^Pinging \S+ \[([^\]]+)\]/.exec(line) ?? /^Pinging (\S+) with/.exec(line);
    if (header && !address) address = header[1];
    const reply = /^Reply from [^:]+: .*time([=<])(\d+)ms/.exec(line);
    if (reply) {
      seq += 1;
      // `time<1ms`: Windows says only "under a millisecond"; half of it is the fairest number.
      samples.push({ seq, ok: true, timeMs: reply[1] === '<' ? 0.5 : Number(reply[2]) });
      continue;
    }
    if (/^Request timed out\./.test(line)) {
      seq += 1;
      samples.push({ seq, ok: false, error: 'timeout' });
      continue;
    }
    const unreachable =
      /^Reply from [^:]+: (Destination .+)$/.exec(line) ??
      /^(General failure\.|Transmit failed\..*)$/.exec(line);
    if (unreachable) {
      seq += 1;
      samples.push({ seq, ok: false, error: unreachable[1]!.replace(/\.$/, '') });
    }
  }
  const stats = pingStats(samples);
  const packets = /Sent = (\d+), Received = (\d+), Lost = (\d+) \((\d+)% loss\)/.exec(text);
  if (packets) {
    stats.sent = Number(packets[1]);
    // "Received" counts "Destination host unreachable" replies too; successful samples are truer.
    stats.received = Math.min(Number(packets[2]), samples.filter((s) => s.ok).length || Number(packets[2]));
    stats.lossPercent =
      stats.sent === 0 ? 0 : Math.round(((stats.sent - stats.received) / stats.sent) * 1000) / 10;
  }
  const rtt = /Minimum = (\d+)ms, Maximum = (\d+)ms, Average = (\d+)ms/.exec(text);
  if (rtt) {
    stats.minMs = Number(rtt[1]);
    stats.maxMs = Number(rtt[2]);
    stats.avgMs = Number(rtt[3]);
  }
  return { format: 'windows', ...(address ? { address } : {}), samples, stats };
}
