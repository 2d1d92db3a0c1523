import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, shortContentType } from '@renderer/format';

describe('format', () => {
  it('writes sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(undefined)).toBe('');
    expect(formatMs(0.25)).toBe('0.25 ms');
    expect(formatMs(3.21)).toBe('3.2 ms');
    expect(formatMs(1234)).toBe('1234 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
  });

  it('shortens content types', () => {
    expect(shortContentType('application/json; charset=utf-8')).toBe('json');
    expect(shortContentType('image/svg+xml')).toBe('svg');
    expect(shortContentType('application/problem+json')).toBe('problem');
    expect(shortContentType('text/javascript')).toBe('js');
    expect(shortContentType('text/plain')).toBe('text');
    expect(shortContentType(undefined)).toBe('');
  });
});
