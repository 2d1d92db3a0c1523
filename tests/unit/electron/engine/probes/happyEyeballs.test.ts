import { describe, expect, it } from 'vitest';
import { happyEyeballsOrder } from '@engine/probes/happyEyeballs.js';

const a = (name: string, family: 4 | 6) => ({ name, family });

describe('happyEyeballsOrder (RFC 8305 §4)', () => {
  it('interleaves families starting with the family of the first address', () => {
    const input = [a('v6a', 6), a('v6b', 6), a('v6c', 6), a('v4a', 4), a('v4b', 4)];
    expect(happyEyeballsOrder(input).map((x) => x.name)).toEqual(['v6a', 'v4a', 'v6b', 'v4b', 'v6c']);
  });

  it('starts with IPv4 when the resolver put IPv4 first', () => {
    const input = [a('v4a', 4), a('v6a', 6), a('v4b', 4), a('v6b', 6)];
    expect(happyEyeballsOrder(input).map((x) => x.name)).toEqual(['v4a', 'v6a', 'v4b', 'v6b']);
  });

  it('takes "First Address Family Count" addresses of the preferred family first', () => {
    const input = [a('v6a', 6), a('v6b', 6), a('v6c', 6), a('v4a', 4), a('v4b', 4)];
    expect(happyEyeballsOrder(input, 2).map((x) => x.name)).toEqual(['v6a', 'v6b', 'v4a', 'v6c', 'v4b']);
  });

  it('keeps a single family in resolver order, and handles none', () => {
    expect(happyEyeballsOrder([a('x', 4), a('y', 4)]).map((x) => x.name)).toEqual(['x', 'y']);
    expect(happyEyeballsOrder([])).toEqual([]);
  });
});
