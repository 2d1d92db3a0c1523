import { describe, expect, it } from 'vitest';
import { shortContentType } from '@renderer/format';

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
