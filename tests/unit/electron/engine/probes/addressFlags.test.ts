import { describe, expect, it } from 'vitest';
import { addressFlags, ipv6Groups } from '@engine/probes/addressFlags.js';

describe('addressFlags', () => {
  it.each([
    ['127.0.0.1', ['loopback']],
    ['127.255.0.9', ['loopback']],
    ['10.1.2.3', ['private']],
    ['172.16.0.1', ['private']],
    ['172.31.255.255', ['private']],
    ['172.32.0.1', []],
    ['192.168.0.10', ['private']],
    ['169.254.169.254', ['link_local']],
    ['100.64.0.1', ['cgnat']],
    ['100.127.255.254', ['cgnat']],
    ['100.128.0.1', []],
    ['0.0.0.0', ['unspecified']],
    ['224.0.0.251', ['multicast']],
    ['192.0.2.7', ['documentation']],
    ['8.8.8.8', []],
    ['::1', ['loopback']],
    ['::', ['unspecified']],
    ['fe80::1%eth0', ['link_local']],
    ['febf::1', ['link_local']],
    ['fd12:3456::1', ['ula']],
    ['fc00::1', ['ula']],
    ['ff02::1', ['multicast']],
    ['2001:db8::1', ['documentation']],
    ['::ffff:10.0.0.1', ['private']],
    ['::ffff:127.0.0.1', ['loopback']],
    ['2606:4700::6810:84e5', []],
    ['not-an-ip', []],
  ])('%s → %j', (address, flags) => {
    expect(addressFlags(address)).toEqual(flags);
  });

  it('expands IPv6 text to eight groups', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
