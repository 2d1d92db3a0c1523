import { describe, expect, it } from 'vitest';
import { percentile, percentileOfSorted, percentiles } from '@shared/percentile.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks one of the values, by rank', () => {
    expect(percentileOfSorted(hundred, 50)).toBe(50);
    expect(percentileOfSorted(hundred, 95)).toBe(95);
    expect(percentileOfSorted(hundred, 99)).toBe(99);
    expect(percentileOfSorted(hundred, 100)).toBe(100);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });

  it('sorts values given in any order, and clamps p to 0..100', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, -5)).toBe(1);
    expect(percentile(values, 250)).toBe(10);
    expect(percentiles(values, [50, 90])).toEqual([5, 9]);
    expect(percentile(Float64Array.from([3, 1, 2]), 50)).toBe(2);
  });

  it('is undefined for no values', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentileOfSorted([], 50)).toBeUndefined();
    expect(percentiles([], [50, 99])).toEqual([undefined, undefined]);
  });
});
