/** traceroute / tracepath / tracert output, parsed from outputs recorded in tests/fixtures/system/. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTracepath, parseTraceroute, parseTracert } from '@engine/probes/traceOutput.js';
import { fixturePath } from '@fixtures/paths.js';

const fixtures = fixturePath('system');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

describe('parseTraceroute', () => {
  it('reads a loopback trace (recorded)', () => {
    const parsed = parseTraceroute(fixture('traceroute-linux-loopback.txt'));
    expect(parsed.destination).toBe('127.0.0.1');
    expect(parsed.hops).toHaveLength(1);
    expect(parsed.hops[0]).toMatchObject({
      hop: 1,
      addresses: ['127.0.0.1'],
      hostnames: ['localhost'],
      timeouts: 0,
    });
    expect(parsed.hops[0]!.timesMs).toHaveLength(3);
    expect(parsed.reachedDestination).toBe(true);
  });

  it('reads hops with names, silent hops, several responders and partial timeouts', () => {
    const parsed = parseTraceroute(fixture('traceroute-linux-multihop.txt'));
    expect(parsed.hops.map((h) => h.hop)).toEqual([1, 2, 3, 4, 5]);
    expect(parsed.hops[0]).toMatchObject({
      addresses: ['192.168.1.1'],
      hostnames: ['_gateway'],
      timesMs: [0.512, 0.463, 0.441],
    });
    expect(parsed.hops[2]).toMatchObject({ addresses: [], timesMs: [], timeouts: 3 });
    expect(parsed.hops[3]).toMatchObject({
      addresses: ['198.51.100.9', '198.51.100.13'],
      hostnames: ['core1.example.net'],
      timesMs: [10.911, 11.204],
      timeouts: 1,
    });
    expect(parsed.reachedDestination).toBe(true);
  });

  it('reads macOS traceroute with !H annotations', () => {
    const parsed = parseTraceroute(fixture('traceroute-macos.txt'));
    expect(parsed.hops).toHaveLength(4);
    expect(parsed.hops[3]).toMatchObject({
      addresses: ['203.0.113.10'],
      notes: ['!H'],
      timesMs: [12.552, 12.307, 12.214],
    });
    expect(parsed.hops[1]!.timeouts).toBe(3);
  });
});

describe('parseTracepath', () => {
  it('reads a loopback trace (recorded)', () => {
    const parsed = parseTracepath(fixture('tracepath-linux-loopback.txt'));
    expect(parsed.hops).toEqual([
      expect.objectContaining({ hop: 1, addresses: ['127.0.0.1'], notes: ['reached'] }),
    ]);
    expect(parsed.reachedDestination).toBe(true);
  });

  it('reads an IPv6 loopback trace with the [LOCALHOST] line (recorded)', () => {
    const parsed = parseTracepath(fixture('tracepath-linux-ipv6-loopback.txt'));
    expect(parsed.hops).toHaveLength(1);
    expect(parsed.hops[0]!.addresses).toEqual(['::1']);
    expect(parsed.hops[0]!.timesMs.length).toBeGreaterThanOrEqual(1);
    expect(parsed.reachedDestination).toBe(true);
  });

  it('merges the lines of one hop and reads no reply and asymm notes', () => {
    const parsed = parseTracepath(fixture('tracepath-linux-multihop.txt'));
    expect(parsed.hops.map((h) => h.hop)).toEqual([1, 2, 3, 4, 5]);
    expect(parsed.hops[0]).toMatchObject({ addresses: ['192.168.1.1'], timesMs: [0.498, 0.411] });
    expect(parsed.hops[2]).toMatchObject({ timeouts: 1, addresses: [] });
    expect(parsed.hops[3]!.notes).toEqual(['asymm 5']);
    expect(parsed.destination).toBe('203.0.113.10');
    expect(parsed.reachedDestination).toBe(true);
  });
});

describe('parseTracert', () => {
  it('reads Windows tracert (CRLF) with <1 ms, timeouts and names', () => {
    const parsed = parseTracert(fixture('tracert-windows.txt'));
    expect(parsed.destination).toBe('203.0.113.10');
    expect(parsed.hops).toHaveLength(5);
    expect(parsed.hops[0]).toMatchObject({ addresses: ['192.168.1.1'], timesMs: [0.5, 0.5, 0.5] });
    expect(parsed.hops[2]).toMatchObject({ addresses: [], timeouts: 3, notes: ['Request timed out'] });
    expect(parsed.hops[3]).toMatchObject({
      addresses: ['198.51.100.9'],
      hostnames: ['core1.example.net'],
      timesMs: [11, 10, 11],
    });
    expect(parsed.reachedDestination).toBe(true);
  });
});
