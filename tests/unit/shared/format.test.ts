import { describe, expect, it } from 'vitest';
import { formatBytes, formatChoices, formatDurationMs, unknownValueMessage } from '@shared/format.js';

describe('formatBytes (IEC, 1 KiB = 1024 bytes)', () => {
  it('writes bytes below 1 KiB as whole bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('uses KiB, MiB, GiB with one decimal below 10 and whole numbers above', () => {
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024)).toBe('20 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1.0 GiB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2.0 TiB');
  });

  it('decides the unit on the rounded value, so no `1024 KiB` or `10.0 KiB`', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(1023.7)).toBe('1.0 KiB');
    expect(formatBytes(9.97 * 1024)).toBe('10 KiB');
    expect(formatBytes(9.94 * 1024)).toBe('9.9 KiB');
  });

  it('writes the placeholder for an unknown size, and a sign for a negative one', () => {
    expect(formatBytes(undefined)).toBe('');
    expect(formatBytes(undefined, '—')).toBe('—');
    expect(formatBytes(Number.NaN, '-')).toBe('-');
    expect(formatBytes(-1536)).toBe('-1.5 KiB');
  });
});

describe('formatDurationMs (one rounding rule)', () => {
  it('follows the bands', () => {
    expect(formatDurationMs(0)).toBe('0 ms');
    expect(formatDurationMs(0.004)).toBe('< 0.01 ms');
    expect(formatDurationMs(0.25)).toBe('0.25 ms');
    expect(formatDurationMs(1)).toBe('1.0 ms');
    expect(formatDurationMs(1.6)).toBe('1.6 ms');
    expect(formatDurationMs(3.21)).toBe('3.2 ms');
    expect(formatDurationMs(42.4)).toBe('42 ms');
    expect(formatDurationMs(1234)).toBe('1234 ms');
    expect(formatDurationMs(3000)).toBe('3000 ms');
    expect(formatDurationMs(12_345)).toBe('12.3 s');
    expect(formatDurationMs(60_000)).toBe('60.0 s');
    expect(formatDurationMs(125_400)).toBe('125 s');
  });

  it('chooses the band on the rounded value at every boundary', () => {
    expect(formatDurationMs(0.999)).toBe('1.0 ms');
    expect(formatDurationMs(9.96)).toBe('10 ms');
    expect(formatDurationMs(9999.6)).toBe('10.0 s');
    expect(formatDurationMs(99_960)).toBe('100 s');
  });

  it('writes the same text for the same value whoever asks (the elapsed time of a failure)', () => {
    // The diagnosis message, the UI and the CLI all call this one function on the stored value.
    const elapsedMs = 1.634;
    expect(formatDurationMs(elapsedMs)).toBe('1.6 ms');
    expect(`after ${formatDurationMs(elapsedMs)}`).toBe('after 1.6 ms');
  });

  it('writes the placeholder for an unknown time', () => {
    expect(formatDurationMs(undefined)).toBe('');
    expect(formatDurationMs(undefined, '—')).toBe('—');
    expect(formatDurationMs(Number.POSITIVE_INFINITY, '-')).toBe('-');
    expect(formatDurationMs(-2.5)).toBe('-2.5 ms');
  });
});

describe('unknown values', () => {
  it('lists the choices', () => {
    expect(formatChoices([])).toBe('');
    expect(formatChoices(['a'])).toBe('a');
    expect(formatChoices(['a', 'b', 'c'])).toBe('a, b or c');
  });

  it('names the value, suggests the closest known one for a typo, and lists the known ones', () => {
    const keys = ['method', 'status', 'host'];
    expect(unknownValueMessage('a filter key', 'stauts', keys)).toBe(
      '"stauts" is not a filter key (did you mean status?); use method, status or host',
    );
    expect(unknownValueMessage('a filter key', 'HOTS', keys)).toContain('did you mean host?');
    expect(unknownValueMessage('a filter key', 'xyz', keys)).toBe(
      '"xyz" is not a filter key; use method, status or host',
    );
  });
});
