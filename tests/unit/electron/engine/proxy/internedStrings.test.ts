import { describe, expect, it } from 'vitest';
import { intern } from '../../../../../electron/engine/proxy/internedStrings.js';

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
