import { describe, expect, it } from 'vitest';
import { formatDuration, keepUnitsTogether, shortContentType } from '@renderer/format';

describe('format', () => {
  it('shortens content types', () => {
    expect(shortContentType('application/json; charset=utf-8')).toBe('json');
    expect(shortContentType('image/svg+xml')).toBe('svg');
    expect(shortContentType('application/problem+json')).toBe('problem');
    expect(shortContentType('text/javascript')).toBe('js');
    expect(shortContentType('text/plain')).toBe('text');
    expect(shortContentType(undefined)).toBe('');
  });
});

describe('formatAxisCount', () => {
  it('keeps axis counts within a few characters', async () => {
    const { formatAxisCount } = await import('@renderer/format');
    expect([0, 750, 1000, 2250, 100_000, 1_500_000, 12_345_678].map(formatAxisCount)).toEqual([
      '0',
      '750',
      '1k',
      '2.25k',
      '100k',
      '1.5M',
      '12.35M',
    ]);
  });
});

describe('durations in the UI', () => {
  it('keeps shared/format rounding and glues the number to its unit with a no-break space', () => {
    expect(formatDuration(1.04)).toBe('1.0\u00a0ms');
    expect(formatDuration(1.6)).toBe('1.6\u00a0ms');
    expect(formatDuration(0.25)).toBe('0.25\u00a0ms');
    expect(formatDuration(42.4)).toBe('42\u00a0ms');
    expect(formatDuration(12_345)).toBe('12.3\u00a0s');
    expect(formatDuration(undefined, '—')).toBe('—');
  });

  it('glues the numbers of an engine message to their units, nothing else', () => {
    expect(keepUnitsTogether('refused after 4.4 ms. Nothing is listening on port 38683 there')).toBe(
      'refused after 4.4\u00a0ms. Nothing is listening on port 38683 there',
    );
    expect(keepUnitsTogether('timed out after 30 s, 12 KiB read')).toBe(
      'timed out after 30\u00a0s, 12\u00a0KiB read',
    );
    expect(keepUnitsTogether('3 sockets')).toBe('3 sockets');
  });
});
