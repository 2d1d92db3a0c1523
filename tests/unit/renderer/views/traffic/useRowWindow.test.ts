import { describe, expect, it } from 'vitest';
import { rowsOnScreen } from '@renderer/views/traffic/useRowWindow';

describe('rowsOnScreen', () => {
  it('counts the rows below the sticky header at the top of the list', () => {
    // 26 px header, 22 px rows, 200 px tall: rows 0..7 are (partly) visible under the header.
    expect(rowsOnScreen(0, 200, 22, 26)).toEqual({ first: 0, last: 7 });
  });

  it('drops a row once it has scrolled wholly under the header', () => {
    expect(rowsOnScreen(21, 200, 22, 26).first).toBe(0);
    expect(rowsOnScreen(22, 200, 22, 26).first).toBe(1);
  });

  it('includes a row whose top pixel is on screen, not the one below it', () => {
    // Content visible up to 22 + 200 = 222 px; row 8 starts at 26 + 8 * 22 = 202, row 9 at 224.
    expect(rowsOnScreen(22, 200, 22, 26).last).toBe(8);
  });

  it('is empty for a scroller with no height', () => {
    const range = rowsOnScreen(0, 0, 22, 26);
    expect(range.last).toBeLessThan(range.first);
  });
});
