/**
 * `netlens ping HOST:PORT`: TCP ping (handshake time, N samples, min/avg/max/stddev, loss), or
 * with `--icmp` the system's ping, parsed. Exit 0 when any reply came, 3 when the name does not
 * resolve, 4 when every sample failed, 1 when the system tool is missing.
 */
import type { Command } from 'commander';
import { EXIT_CONNECT, EXIT_OK, EXIT_USAGE } from '../../shared/errors.js';
import { exitCodeForClass } from '../../shared/errorClasses.js';
import type { PingReport } from '../../shared/probe.js';
import { CliError } from './cliError.js';
import { tcpPing, PingResolveError, MAX_PING_COUNT } from '../engine/probes/tcpPing.js';
import { icmpPing } from '../engine/probes/icmpPing.js';
import { MissingToolError } from '../engine/probes/systemTool.js';
import { integerOption } from './probeOptions.js';
import { hostPort } from '../../shared/address.js';
import { formatDurationMs } from '../../shared/format.js';

interface PingFlags {
  count?: string;
  intervalMs?: string;
  timeoutMs?: string;
  icmp?: boolean;
  json?: boolean;
}

/** `host:port`, `[v6]:port`, or (ICMP) a bare host. */
export function parsePingTarget(text: string, needPort: boolean): { host: string; port?: number } {
  const t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  const plain = /^([^:\s]+)(?::(\d+))?$/.exec(t);
  const m = bracketed ?? plain;
  const host = m ? m[1]! : t.includes(':') && !needPort ? t : undefined; // a bare IPv6 for ICMP
  if (!host || host === '') throw new CliError(`Cannot read "${text}" as HOST:PORT.`, EXIT_USAGE);
  const portText = m?.[2];
  if (portText === undefined) {
    if (needPort) throw new CliError(`TCP ping needs a port: ${host}:443 (or use --icmp).`, EXIT_USAGE);
    return { host };
  }
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new CliError(`Bad port ${portText}: ports are 1 to 65535.`, EXIT_USAGE);
  return { host, port };
}

export function formatPingSummary(report: PingReport, label: string): string {
  const s = report.stats;
  const lines = [`--- ${label} ${report.method === 'tcp' ? 'TCP' : 'ICMP'} ping statistics ---`];
  lines.push(`${s.sent} sent, ${s.received} received, ${s.lossPercent}% loss`);
  if (s.minMs !== undefined)
    lines.push(
      `min/avg/max/stddev = ${[s.minMs, s.avgMs, s.maxMs, s.stddevMs].map((v) => (v ?? 0).toFixed(3)).join('/')} ms`,
    );
  return lines.join('\n');
}

export function registerPingCommand(program: Command): void {
  program
    .command('ping')
    .description('TCP ping HOST:PORT (connect time, loss, min/avg/max/stddev), or ICMP with --icmp')
    .argument('<target>', 'HOST:PORT (TCP) or HOST (--icmp)')
    .option('--count <n>', 'samples to take (default 4)')
    .option('--interval-ms <n>', 'pause between samples (default 1000)')
    .option('--timeout-ms <n>', 'timeout of each sample (default 2000)')
    .option('--icmp', "use the system's ICMP ping instead")
    .option('--json', 'print the report as JSON')
    .action(async (target: string, flags: PingFlags) => {
      const count = integerOption(flags.count, '--count', 1, MAX_PING_COUNT) ?? 4;
      const intervalMs = integerOption(flags.intervalMs, '--interval-ms', 0, 3_600_000) ?? 1000;
      const timeoutMs = integerOption(flags.timeoutMs, '--timeout-ms', 1, 300_000) ?? 2000;
      const { host, port } = parsePingTarget(target, !flags.icmp);
      let report: PingReport;
      if (flags.icmp) {
        try {
          const result = await icmpPing({ host, count, intervalMs, timeoutMs });
          if (!flags.json) process.stdout.write(result.raw.endsWith('\n') ? result.raw : `${result.raw}\n`);
          report = result;
        } catch (error) {
          if (error instanceof MissingToolError) throw new CliError(error.message, 1);
          throw new CliError(error instanceof Error ? error.message : String(error), 1);
        }
      } else {
        if (!flags.json)
          process.stdout.write(`TCP ping ${target}, ${count} sample${count === 1 ? '' : 's'}\n`);
        try {
          report = await tcpPing({
            host,
            port: port!,
            count,
            intervalMs,
            timeoutMs,
            onSample: (sample, address) => {
              if (flags.json) return;
              const where = hostPort(address, port!);
              process.stdout.write(
                sample.ok
                  ? `connected to ${where}: seq=${sample.seq} time=${formatDurationMs(sample.timeMs, '—')}\n`
                  : `no connection to ${where}: seq=${sample.seq} ${sample.error}\n`,
              );
            },
          });
        } catch (error) {
          if (error instanceof PingResolveError) {
            if (flags.json)
              process.stdout.write(
                `${JSON.stringify({ host, port, error: { class: error.errorClass, message: error.message } })}\n`,
              );
            else process.stderr.write(`${error.message}\n`);
            process.exitCode = exitCodeForClass(error.errorClass);
            return;
          }
          throw error;
        }
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.method === 'tcp') process.stdout.write(`\n${formatPingSummary(report, target)}\n`);
      process.exitCode = report.stats.received > 0 ? EXIT_OK : EXIT_CONNECT;
    });
}
