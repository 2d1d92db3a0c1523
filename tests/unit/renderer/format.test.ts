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
