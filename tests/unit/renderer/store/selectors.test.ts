import { describe, expect, it } from 'vitest';
import { selectShowsDetail } from '@renderer/store/selectors';
describe('selectShowsDetail', () => {
  it('keeps the pane for a selection the engine dropped, so it can say so', () => {
    const byId = new Map([['a', {} as never]]);
    expect(selectShowsDetail({ selectedId: undefined, byId, droppedSelection: undefined })).toBe(false);
    expect(selectShowsDetail({ selectedId: 'a', byId, droppedSelection: undefined })).toBe(true);
    expect(selectShowsDetail({ selectedId: 'gone', byId, droppedSelection: 'gone' })).toBe(true);
    expect(selectShowsDetail({ selectedId: 'gone', byId, droppedSelection: undefined })).toBe(false);
  });
});
