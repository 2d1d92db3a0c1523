import { describe, expect, it } from 'vitest';
import { moveSelection } from '@renderer/keyboard';

describe('moveSelection', () => {
  const ids = ['a', 'b', 'c'];
  it('moves within bounds and starts at an end when nothing is selected', () => {
    expect(moveSelection(ids, 'a', 1)).toBe('b');
    expect(moveSelection(ids, 'c', 1)).toBe('c');
    expect(moveSelection(ids, 'a', -1)).toBe('a');
    expect(moveSelection(ids, undefined, 1)).toBe('a');
    expect(moveSelection(ids, undefined, -1)).toBe('c');
    expect(moveSelection(ids, 'gone', 1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeUndefined();
  });
});

describe('moveSelection by pages and to the ends', () => {
  it('clamps large steps to the first and last row', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `r${i}`);
    expect(moveSelection(ids, 'r5', 20)).toBe('r25');
    expect(moveSelection(ids, 'r5', -20)).toBe('r0');
    expect(moveSelection(ids, 'r5', Number.MAX_SAFE_INTEGER)).toBe('r49');
    expect(moveSelection(ids, 'r5', -Number.MAX_SAFE_INTEGER)).toBe('r0');
  });
});
