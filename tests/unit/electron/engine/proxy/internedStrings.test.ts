import { describe, expect, it } from 'vitest';
import { intern } from '@engine/proxy/internedStrings.js';

describe('intern', () => {
  it('returns an equal string, the first one seen for a repeated value', () => {
    const first = ['Content', 'Type'].join('-');
    const second = ['Content', 'Type'].join('-');
    expect(intern(first)).toBe('Content-Type');
    expect(intern(second)).toBe('Content-Type');
  });

  it('passes long strings through and keeps working past its bound', () => {
    const long = 'x'.repeat(500);
    expect(intern(long)).toBe(long);
    for (let i = 0; i < 10_000; i += 1) expect(intern(`v${i}`)).toBe(`v${i}`);
    expect(intern('keep-alive')).toBe('keep-alive');
  });
});

describe('internHeader', () => {
  it('shares one frozen field per name and value, and keeps long fields apart', async () => {
    const { internHeader } = await import('@engine/proxy/internedStrings.js');
    const a = internHeader('Content-Type', 'application/json');
    const b = internHeader(['Content', 'Type'].join('-'), 'application/json');
    expect(b).toBe(a);
    expect(a).toEqual({ name: 'Content-Type', value: 'application/json' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(internHeader('Content-Type', 'text/plain')).not.toBe(a);
    const long = 'y'.repeat(300);
    expect(internHeader('X-Long', long)).toEqual({ name: 'X-Long', value: long });
    for (let i = 0; i < 10_000; i += 1) expect(internHeader('X-N', String(i)).value).toBe(String(i));
  });
});
