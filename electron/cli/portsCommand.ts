/**
 * `netlens ports [PORT]`: the machine's listening sockets, or who holds PORT — the answer to
 * EADDRINUSE. With PORT, exit 0 when something listens on it and 1 when the port is free.
 */
import type { Command } from 'commander';
import { listListeningSockets, type ListeningSocket } from '../engine/system/listeningSockets.js';
import { integerOption } from './probeOptions.js';
import { hostPort } from '../../shared/address.js';

interface PortsFlags {
  json?: boolean;
}

function owner(s: ListeningSocket): string {
  if (s.pid === undefined) return '(owner not visible: another user, or needs privileges)';
  return `${s.command ?? '?'} (pid ${s.pid})`;
}

function where(s: ListeningSocket): string {
  return hostPort(s.address, s.port);
}

export function formatSockets(sockets: readonly ListeningSocket[]): string {
  const lines = [`${'PROTO'.padEnd(6)} ${'ADDRESS'.padEnd(46)} PROCESS`];
  for (const s of sockets) lines.push(`${s.protocol.padEnd(6)} ${where(s).padEnd(46)} ${owner(s)}`);
  return lines.join('\n');
}

export function registerPortsCommand(program: Command): void {
  program
    .command('ports')
    .description('list listening sockets, or show which process holds PORT')
    .argument('[port]', 'a port number')
    .option('--json', 'print as JSON')
    .action(async (portText: string | undefined, flags: PortsFlags) => {
      const port = integerOption(portText, 'PORT', 1, 65535);
      const all = await listListeningSockets();
      const sockets = (port === undefined ? all : all.filter((s) => s.port === port)).sort(
        (a, b) =>
          a.port - b.port || a.protocol.localeCompare(b.protocol) || a.address.localeCompare(b.address),
      );
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify(port === undefined ? sockets : { port, inUse: sockets.length > 0, sockets }, null, 2)}\n`,
        );
      } else if (port === undefined) {
        process.stdout.write(
          `${sockets.length === 0 ? 'No listening sockets found.' : formatSockets(sockets)}\n`,
        );
      } else if (sockets.length === 0) {
        process.stdout.write(`Nothing is listening on port ${port}.\n`);
      } else {
        process.stdout.write(`Port ${port} is in use:\n${formatSockets(sockets)}\n`);
      }
      if (port !== undefined) process.exitCode = sockets.length > 0 ? 0 : 1;
    });
}
