import { describe, expect, it } from 'vitest';
import { computeTimings, failureInstantMs } from '@engine/proxy/phaseTimings.js';

describe('computeTimings', () => {
  it('lays out a new TLS connection phase by phase from the socket marks', () => {
    expect(
      computeTimings({
        startMs: 100,
        connectionCreatedMs: 101,
        socketAssignedMs: 101.5,
        reused: false,
        lookupEndMs: 104,
        connectEndMs: 110,
        secureEndMs: 130,
        sentMs: 131,
        firstByteMs: 180,
        endMs: 200,
      }),
    ).toEqual({ blocked: 1, dns: 3, connect: 6, ssl: 20, send: 1, wait: 49, receive: 20 });
  });

  it('has no dns when the host was an IP literal (no lookup event) and no ssl for plain HTTP', () => {
    const t = computeTimings({
      startMs: 0,
      connectionCreatedMs: 0,
      reused: false,
      connectEndMs: 2,
      sentMs: 3,
      firstByteMs: 10,
      endMs: 12,
    });
    expect(t).toEqual({ blocked: 0, connect: 2, send: 1, wait: 7, receive: 2 });
  });

  it('gives a reused connection no dns, connect or ssl', () => {
    const t = computeTimings({
      startMs: 50,
      socketAssignedMs: 52,
      reused: true,
      lookupEndMs: 10,
      connectEndMs: 11,
      sentMs: 53,
      firstByteMs: 60,
      endMs: 61,
    });
    expect(t).toEqual({ blocked: 2, send: 1, wait: 7, receive: 1 });
  });

  it('counts the time of the failing phase in that phase and leaves later ones out', () => {
    expect(
      computeTimings({
        startMs: 0,
        connectionCreatedMs: 1,
        reused: false,
        lookupEndMs: 2,
        failedMs: 3001,
        failedPhase: 'connect',
      }),
    ).toEqual({ blocked: 1, dns: 1, connect: 2999 });
    expect(
      computeTimings({
        startMs: 0,
        connectionCreatedMs: 0,
        reused: false,
        connectEndMs: 1,
        failedMs: 5,
        failedPhase: 'tls',
      }),
    ).toEqual({ blocked: 0, connect: 1, ssl: 4 });
    expect(
      computeTimings({
        startMs: 0,
        connectionCreatedMs: 0,
        reused: false,
        connectEndMs: 1,
        sentMs: 2,
        failedMs: 502,
        failedPhase: 'wait',
      }),
    ).toEqual({ blocked: 0, connect: 1, send: 1, wait: 500 });
    expect(
      computeTimings({ startMs: 0, connectionCreatedMs: 0, reused: false, failedMs: 7, failedPhase: 'dns' }),
    ).toEqual({ blocked: 0, dns: 7 });
  });

  it('puts a failure before any socket into its phase', () => {
    expect(computeTimings({ startMs: 10, reused: false, failedMs: 15, failedPhase: 'connect' })).toEqual({
      connect: 5,
    });
    expect(computeTimings({ startMs: 10, reused: false, failedMs: 15, failedPhase: 'request' })).toEqual({});
  });

  it('never produces negative durations', () => {
    const t = computeTimings({
      startMs: 10,
      connectionCreatedMs: 9,
      reused: false,
      connectEndMs: 12,
      sentMs: 12,
      firstByteMs: 12,
      endMs: 12,
    });
    expect(Object.values(t).every((v) => v !== undefined && v >= 0)).toBe(true);
  });
});

describe('failureInstantMs', () => {
  const marks = { startMs: 100, connectionCreatedMs: 100.5, socketAssignedMs: 100.5, reused: false };

  it('puts a failure at the instant its diagnosis measured, so phases, duration and message agree', () => {
    const failedMs = failureInstantMs(marks, 4.4, 105.6);
    expect(failedMs).toBeCloseTo(104.4, 9);
    const timings = computeTimings({ ...marks, failedMs, failedPhase: 'connect' });
    expect(timings.blocked! + timings.connect!).toBeCloseTo(4.4, 9);
  });

  it('never before a socket event already seen, nor after now', () => {
    expect(failureInstantMs({ ...marks, connectEndMs: 103 }, 1, 110)).toBe(103);
    expect(failureInstantMs(marks, 50, 110)).toBe(110);
    expect(failureInstantMs(marks, Number.NaN, 110)).toBe(110);
  });
});
