import { describe, expect, it } from 'vitest';
import { RowSlots } from '@renderer/views/traffic/rowSlots';

describe('RowSlots', () => {
  it('keeps the slot of a row that stays and gives entering rows the freed slots', () => {
    const slots = new RowSlots();
    expect(slots.assign([0, 1, 2, 3])).toEqual([0, 1, 2, 3]);
    // Scroll by two rows: 0 and 1 leave, 4 and 5 take their slots; 2 and 3 keep theirs.
    expect(slots.assign([2, 3, 4, 5])).toEqual([2, 3, 0, 1]);
    // The window grows by one and shrinks again without disturbing the others.
    expect(slots.assign([2, 3, 4, 5, 6])).toEqual([2, 3, 0, 1, 4]);
    expect(slots.assign([3, 4, 5, 6])).toEqual([3, 0, 1, 4]);
  });

  it('is idempotent for the same window (React may render twice) and resets', () => {
    const slots = new RowSlots();
    slots.assign([10, 11, 12]);
    expect(slots.assign([10, 11, 12])).toEqual([0, 1, 2]);
    expect(slots.assign([500, 501])).toEqual([0, 1]);
    slots.reset();
    expect(slots.assign([7])).toEqual([0]);
  });
});
