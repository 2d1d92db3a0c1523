describe('selectShowsDetail', () => {
  it('keeps the pane for a selection the engine dropped, so it can say so', async () => {
    const { selectShowsDetail } = await import('@renderer/store/selectors');
    const byId = new Map([['a', {} as never]]);
    expect(selectShowsDetail({ selectedId: undefined, byId, droppedSelection: undefined })).toBe(false);
    expect(selectShowsDetail({ selectedId: 'a', byId, droppedSelection: undefined })).toBe(true);
    expect(selectShowsDetail({ selectedId: 'gone', byId, droppedSelection: 'gone' })).toBe(true);
    expect(selectShowsDetail({ selectedId: 'gone', byId, droppedSelection: undefined })).toBe(false);
  });
});
