/**
 * `netlens trace HOST`: the route to HOST through the system's traceroute / tracepath / tracert,
 * parsed into hops with times. Exit 1 (naming the tool to install) when none is present.
 */
import type { Command } from 'commander';
import type { TraceReport } from '../../shared/probe.js';
import { CliError } from './cliError.js';
import { traceRoute } from '../engine/probes/traceRoute.js';
import { MissingToolError } from '../engine/probes/systemTool.js';
import { integerOption } from './probeOptions.js';
import { formatDurationMs } from '../../shared/format.js';

interface TraceFlags {
  maxHops?: string;
  waitMs?: string;
  json?: boolean;
}

export function formatTrace(report: TraceReport): string {
  const lines = [
    `Route to ${report.host}${report.destination ? ` (${report.destination})` : ''} via ${report.tool}`,
    '',
  ];
  lines.push(` hop  ${'address'.padEnd(44)} times`);
  for (const hop of report.hops) {
    const who =
      hop.addresses.length === 0
        ? '*'
        : hop.addresses.map((a, i) => (hop.hostnames[i] ? `${a} (${hop.hostnames[i]})` : a)).join(', ');
    const times = [
      ...hop.timesMs.map((t) => formatDurationMs(t)),
      ...new Array<string>(hop.timeouts).fill('*'),
    ].join('  ');
    const notes = hop.notes.length > 0 ? `  ${hop.notes.join(' ')}` : '';
    lines.push(`${String(hop.hop).padStart(4)}  ${who.padEnd(44)} ${times}${notes}`);
  }
  lines.push(
    '',
    report.reachedDestination
      ? '✓ destination reached'
      : '✗ destination not reached (the last hops did not answer)',
  );
  return lines.join('\n');
}

export function registerTraceCommand(program: Command): void {
  program
    .command('trace')
    .description("trace the route to HOST with the system's traceroute, tracepath or tracert")
    .argument('<host>', 'host name or IP')
    .option('--max-hops <n>', 'hops at most (default 30)')
    .option('--wait-ms <n>', 'wait for each answer (default 2000)')
    .option('--json', 'print the hops as JSON')
    .action(async (host: string, flags: TraceFlags) => {
      const maxHops = integerOption(flags.maxHops, '--max-hops', 1, 64) ?? 30;
      const waitMs = integerOption(flags.waitMs, '--wait-ms', 1000, 60_000) ?? 2000;
      if (!/^[A-Za-z0-9._:%-]+$/.test(host) || host.startsWith('-'))
        throw new CliError(`"${host}" is not a host name or IP.`, 2);
      let report;
      try {
        report = await traceRoute({ host, maxHops, waitMs });
      } catch (error) {
        if (error instanceof MissingToolError) throw new CliError(error.message, 1);
        throw new CliError(error instanceof Error ? error.message : String(error), 1);
      }
      const { raw: _raw, ...clean } = report;
      if (flags.json) process.stdout.write(`${JSON.stringify(clean, null, 2)}\n`);
      else process.stdout.write(`${formatTrace(clean)}\n`);
    });
}
