/** The system ping's output, parsed from outputs recorded in tests/fixtures/system/. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePingOutput } from '@engine/probes/pingOutput.js';
import { pingStats } from '@engine/probes/pingStats.js';
import { fixturePath } from '@fixtures/paths.js';

const fixtures = fixturePath('system');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

describe('parsePingOutput', () => {
  it('reads Linux iputils ping to 127.0.0.1 (recorded)', () => {
    const parsed = parsePingOutput(fixture('ping-linux-iputils-ipv4.txt'));
    expect(parsed.format).toBe('iputils');
    expect(parsed.address).toBe('127.0.0.1');
    expect(parsed.samples.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(parsed.samples.every((s) => s.ok)).toBe(true);
    expect(parsed.samples.map((s) => s.timeMs)).toEqual([0.031, 0.033, 0.035, 0.035]);
    expect(parsed.stats).toMatchObject({
      sent: 4,
      received: 4,
      lossPercent: 0,
      minMs: 0.031,
      avgMs: 0.033,
      maxMs: 0.035,
      stddevMs: 0.001,
    });
  });

  it('reads Linux iputils ping to ::1 (recorded)', () => {
    const parsed = parsePingOutput(fixture('ping-linux-iputils-ipv6.txt'));
    expect(parsed.address).toBe('::1');
    expect(parsed.samples).toHaveLength(3);
    expect(parsed.samples.map((s) => s.timeMs)).toEqual([0.016, 0.037, 0.035]);
    expect(parsed.stats).toMatchObject({
      sent: 3,
      received: 3,
      lossPercent: 0,
      minMs: 0.016,
      avgMs: 0.029,
      maxMs: 0.037,
      stddevMs: 0.009,
    });
  });

  it('fills the sequence numbers iputils never printed as lost', () => {
    const parsed = parsePingOutput(fixture('ping-linux-iputils-loss.txt'));
    expect(parsed.samples.map((s) => [s.seq, s.ok])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, true],
      [5, false],
    ]);
    expect(parsed.stats).toMatchObject({ sent: 5, received: 3, lossPercent: 40, avgMs: 12.466 });
  });

  it('keeps the error of an unreachable host', () => {
    const parsed = parsePingOutput(fixture('ping-linux-iputils-unreachable.txt'));
    expect(parsed.samples).toHaveLength(3);
    expect(parsed.samples[0]).toMatchObject({ ok: false, error: 'Destination Host Unreachable' });
    expect(parsed.stats).toMatchObject({ sent: 3, received: 0, lossPercent: 100 });
    expect(parsed.stats.minMs).toBeUndefined();
  });

  it('reads BSD/macOS ping, numbered from 0, with request timeouts', () => {
    const parsed = parsePingOutput(fixture('ping-macos.txt'));
    expect(parsed.format).toBe('bsd');
    expect(parsed.address).toBe('203.0.113.10');
    expect(parsed.samples.map((s) => [s.seq, s.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
      [3, true],
    ]);
    expect(parsed.stats).toMatchObject({
      sent: 4,
      received: 3,
      lossPercent: 25,
      minMs: 11.632,
      stddevMs: 0.16,
    });
  });

  it('reads Windows ping (CRLF), with time<1ms and a timeout', () => {
    const parsed = parsePingOutput(fixture('ping-windows.txt'));
    expect(parsed.format).toBe('windows');
    expect(parsed.address).toBe('203.0.113.10');
    expect(parsed.samples.map((s) => [s.seq, s.ok, s.timeMs])).toEqual([
      [1, true, 12],
      [2, false, undefined],
      [3, true, 11],
      [4, true, 0.5],
    ]);
    expect(parsed.stats).toMatchObject({
      sent: 4,
      received: 3,
      lossPercent: 25,
      minMs: 0,
      maxMs: 12,
      avgMs: 7,
    });
    expect(parsed.stats.stddevMs).toBeGreaterThan(0);
  });

  it('computes stats from samples when the tool printed no summary', () => {
    const parsed = parsePingOutput(
      'PING h (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=2.0 ms\n64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=4.0 ms\n',
    );
    expect(parsed.stats).toMatchObject({ sent: 2, received: 2, minMs: 2, avgMs: 3, maxMs: 4, stddevMs: 1 });
  });
});

describe('pingStats', () => {
  it('computes loss and population stddev like iputils mdev', () => {
    const stats = pingStats([
      { seq: 1, ok: true, timeMs: 1 },
      { seq: 2, ok: false, error: 'timeout' },
      { seq: 3, ok: true, timeMs: 3 },
      { seq: 4, ok: true, timeMs: 5 },
    ]);
    expect(stats).toEqual({
      sent: 4,
      received: 3,
      lossPercent: 25,
      minMs: 1,
      avgMs: 3,
      maxMs: 5,
      stddevMs: 1.633,
    });
  });

  it('has no times when nothing came back', () => {
    expect(pingStats([{ seq: 1, ok: false }])).toEqual({ sent: 1, received: 0, lossPercent: 100 });
    expect(pingStats([])).toEqual({ sent: 0, received: 0, lossPercent: 0 });
  });
});
