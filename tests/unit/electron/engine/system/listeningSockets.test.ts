import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findPortOwner,
  formatIpv6,
  listListeningSockets,
  mapSocketInodes,
  parseLsof,
  parseNetstat,
  parseProcNet,
  parseSs,
  parseTasklist,
  pickPortOwner,
  type ListeningSocket,
} from '@engine/system/listeningSockets.js';
import { fixturePath } from '@fixtures/paths.js';

const fixtures = fixturePath('system');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

describe('parseProcNet', () => {
  it('keeps only LISTEN rows of /proc/net/tcp and decodes little-endian addresses', () => {
    const sockets = parseProcNet(fixture('linux-proc-net-tcp.txt'), 'tcp', true);
    expect(sockets).toEqual([
      { protocol: 'tcp', address: '0.0.0.0', port: 43873, inode: 13357 },
      { protocol: 'tcp', address: '127.0.0.1', port: 43871, inode: 13355 },
      { protocol: 'tcp', address: '0.0.0.0', port: 2024, inode: 1665 },
    ]);
  });

  it('decodes IPv6 words of /proc/net/tcp6', () => {
    expect(parseProcNet(fixture('linux-proc-net-tcp6.txt'), 'tcp6', true)).toEqual([
      { protocol: 'tcp6', address: '::', port: 43874, inode: 13358 },
      { protocol: 'tcp6', address: '::1', port: 43872, inode: 13356 },
    ]);
  });

  it('reads unconnected UDP sockets (state 07, zero remote)', () => {
    expect(parseProcNet(fixture('linux-proc-net-udp.txt'), 'udp', true)).toEqual([
      { protocol: 'udp', address: '127.0.0.1', port: 43875, inode: 13359 },
    ]);
  });

  it('reads big-endian hosts in network order', () => {
    const text =
      'header\n   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 77 1\n';
    expect(parseProcNet(text, 'tcp', false)).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 8080, inode: 77 },
    ]);
  });

  it('ignores malformed lines', () => {
    expect(parseProcNet('header\nnot a socket line\n   0: ZZ:1 0:0 0A\n', 'tcp')).toEqual([]);
  });
});

describe('formatIpv6', () => {
  it('follows RFC 5952', () => {
    const bytes = (hex: string) => hex.match(/../g)!.map((b) => parseInt(b, 16));
    expect(formatIpv6(bytes('20010db8000000000000000000000001'))).toBe('2001:db8::1');
    expect(formatIpv6(bytes('20010db8000000010000000100000001'))).toBe('2001:db8:0:1:0:1:0:1');
    expect(formatIpv6(bytes('00000000000000000000ffff7f000001'))).toBe('::ffff:127.0.0.1');
    expect(formatIpv6(bytes('fe800000000000001c2d3e4f5a6b7c8d'))).toBe('fe80::1c2d:3e4f:5a6b:7c8d');
  });
});

describe('mapSocketInodes', () => {
  it('maps socket inodes from fd links and ignores other links', () => {
    const owners = mapSocketInodes([
      { pid: 6894, fdLinks: ['/dev/null', 'pipe:[12680]', 'socket:[13355]', 'socket:[13356]'] },
      { pid: 7000, fdLinks: ['socket:[13355]', 'anon_inode:[eventfd]', 'socket:[99]'] },
    ]);
    expect([...owners.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [99, 7000],
      [13355, 6894],
      [13356, 6894],
    ]);
  });
});

describe('parseSs', () => {
  it('reads addresses, ports and owners of `ss -ltnp`', () => {
    expect(parseSs(fixture('linux-ss-ltnp.txt'))).toEqual([
      { protocol: 'tcp', address: '0.0.0.0', port: 43873, pid: 6894, command: 'node' },
      { protocol: 'tcp', address: '127.0.0.1', port: 43871, pid: 6894, command: 'node' },
      { protocol: 'tcp', address: '0.0.0.0', port: 2024 },
      { protocol: 'tcp6', address: '::', port: 43874, pid: 6894, command: 'node' },
      { protocol: 'tcp6', address: '::1', port: 43872, pid: 6894, command: 'node' },
    ]);
  });

  it('handles the Netid column of `ss -ltunp`', () => {
    const text = [
      'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
      'udp   UNCONN 0      0      127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=310,fd=13))',
      'tcp   LISTEN 0      511        127.0.0.1:8899      0.0.0.0:*    users:(("node",pid=42,fd=20))',
    ].join('\n');
    expect(parseSs(text)).toEqual([
      { protocol: 'udp', address: '127.0.0.53', port: 53, pid: 310, command: 'systemd-resolve' },
      { protocol: 'tcp', address: '127.0.0.1', port: 8899, pid: 42, command: 'node' },
    ]);
  });
});

describe('parseLsof', () => {
  it('reads `lsof -nP -iTCP -sTCP:LISTEN` on Linux', () => {
    expect(parseLsof(fixture('linux-lsof-listen.txt'))).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 43871, pid: 6894, command: 'node' },
      { protocol: 'tcp6', address: '::1', port: 43872, pid: 6894, command: 'node' },
      { protocol: 'tcp', address: '0.0.0.0', port: 43873, pid: 6894, command: 'node' },
      { protocol: 'tcp6', address: '::', port: 43874, pid: 6894, command: 'node' },
    ]);
  });

  it('reads the macOS output', () => {
    const sockets = parseLsof(fixture('macos-lsof-listen.txt'));
    expect(sockets).toHaveLength(7);
    expect(sockets[0]).toEqual({ protocol: 'tcp6', address: '::', port: 22, pid: 1, command: 'launchd' });
    expect(sockets).toContainEqual({
      protocol: 'tcp',
      address: '127.0.0.1',
      port: 8899,
      pid: 48211,
      command: 'node',
    });
  });

  it('keeps unconnected UDP sockets only', () => {
    expect(parseLsof(fixture('macos-lsof-udp.txt'))).toEqual([
      { protocol: 'udp', address: '0.0.0.0', port: 5353, pid: 402, command: 'mDNSRespo' },
      { protocol: 'udp6', address: '::', port: 5353, pid: 402, command: 'mDNSRespo' },
      { protocol: 'udp', address: '127.0.0.1', port: 41234, pid: 48300, command: 'node' },
    ]);
  });

  it('decodes escaped command names', () => {
    const text =
      'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nMy\\x20App 77 me 3u IPv4 0x1 0t0 TCP *:9000 (LISTEN)\n';
    expect(parseLsof(text)[0]?.command).toBe('My App');
  });
});

describe('parseNetstat and parseTasklist', () => {
  it('reads listening TCP and bound UDP sockets from `netstat -ano`', () => {
    expect(parseNetstat(fixture('windows-netstat-ano.txt'))).toEqual([
      { protocol: 'tcp', address: '0.0.0.0', port: 135, pid: 1052 },
      { protocol: 'tcp', address: '0.0.0.0', port: 445, pid: 4 },
      { protocol: 'tcp', address: '127.0.0.1', port: 8899, pid: 15320 },
      { protocol: 'tcp6', address: '::', port: 135, pid: 1052 },
      { protocol: 'tcp6', address: '::1', port: 8899, pid: 15320 },
      { protocol: 'tcp6', address: 'fe80::1c2d:3e4f:5a6b:7c8d', port: 139, pid: 4 },
      { protocol: 'udp', address: '0.0.0.0', port: 5353, pid: 2460 },
      { protocol: 'udp6', address: '::', port: 5353, pid: 2460 },
    ]);
  });

  it('does not depend on the translated state word', () => {
    expect(parseNetstat(fixture('windows-netstat-ano-de.txt'))).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 8899, pid: 15320 },
      { protocol: 'tcp6', address: '::1', port: 8899, pid: 15320 },
    ]);
  });

  it('maps pids to image names', () => {
    const names = parseTasklist(fixture('windows-tasklist-csv.txt'));
    expect(names.get(15320)).toBe('node.exe');
    expect(names.get(0)).toBe('System Idle Process');
    expect(names.size).toBe(6);
  });
});

describe('pickPortOwner', () => {
  const sockets: ListeningSocket[] = [
    { protocol: 'udp', address: '127.0.0.1', port: 8899, pid: 1, command: 'dns' },
    { protocol: 'tcp', address: '0.0.0.0', port: 8899 },
    { protocol: 'tcp6', address: '::1', port: 8899, pid: 42, command: 'node' },
    { protocol: 'tcp', address: '127.0.0.2', port: 9000, pid: 7, command: 'other' },
  ];

  it('prefers a TCP entry whose owner is known', () => {
    expect(pickPortOwner(sockets, 8899)).toEqual(sockets[2]);
  });

  it('matches the host exactly or by a wildcard listener', () => {
    expect(pickPortOwner(sockets, 8899, '127.0.0.1')).toEqual(sockets[1]);
    expect(pickPortOwner(sockets, 8899, '[::1]')).toEqual(sockets[2]);
    expect(pickPortOwner(sockets, 9000, '127.0.0.1')).toBeUndefined();
    expect(pickPortOwner(sockets, 1234)).toBeUndefined();
  });
});

describe('on this machine', () => {
  it('finds this process as the owner of a port it listens on', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const all = await listListeningSockets();
      expect(all.some((s) => s.port === port)).toBe(true);
      const owner = await findPortOwner(port, '127.0.0.1');
      expect(owner).toMatchObject({ protocol: 'tcp', address: '127.0.0.1', port });
      if (process.platform === 'linux') expect(owner?.pid).toBe(process.pid);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
