import { describe, expect, it } from 'vitest';
import { InternedStrings } from '@engine/proxy/internedStrings.js';

describe('InternedStrings.intern', () => {
  it('returns an equal string, the first one seen for a repeated value', () => {
    const strings = new InternedStrings();
    const first = ['Content', 'Type'].join('-');
    const second = ['Content', 'Type'].join('-');
    expect(strings.intern(first)).toBe('Content-Type');
    expect(strings.intern(second)).toBe('Content-Type');
  });

  it('passes long strings through and keeps working past its bound', () => {
    const strings = new InternedStrings();
    const long = 'x'.repeat(500);
    expect(strings.intern(long)).toBe(long);
    for (let i = 0; i < 10_000; i += 1) expect(strings.intern(`v${i}`)).toBe(`v${i}`);
    expect(strings.intern('keep-alive')).toBe('keep-alive');
  });
});

describe('InternedStrings.header', () => {
  it('shares one frozen field per name and value, and keeps long fields apart', () => {
    const strings = new InternedStrings();
    const a = strings.header('Content-Type', 'application/json');
    const b = strings.header(['Content', 'Type'].join('-'), 'application/json');
    expect(b).toBe(a);
    expect(a).toEqual({ name: 'Content-Type', value: 'application/json' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(strings.header('Content-Type', 'text/plain')).not.toBe(a);
    const long = 'y'.repeat(300);
    expect(strings.header('X-Long', long)).toEqual({ name: 'X-Long', value: long });
    for (let i = 0; i < 10_000; i += 1) expect(strings.header('X-N', String(i)).value).toBe(String(i));
  });

  it('belongs to one proxy: two tables share no fields', () => {
    const a = new InternedStrings().header('Accept', '*/*');
    const b = new InternedStrings().header('Accept', '*/*');
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
  });
});

describe('InternedStrings.httpVersionLabel', () => {
  it('labels the common versions without building a string, others once', () => {
    const strings = new InternedStrings();
    expect(strings.httpVersionLabel('1.1')).toBe('HTTP/1.1');
    expect(strings.httpVersionLabel('1.0')).toBe('HTTP/1.0');
    expect(strings.httpVersionLabel('2.0')).toBe('HTTP/2.0');
  });
});
