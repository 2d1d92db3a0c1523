// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Notices } from '@renderer/components/Notices';
import { useStore } from '@renderer/store';
import { NOTICE_LIFETIME_MS, withNotices } from '@renderer/store/appSlice';

describe('withNotices', () => {
  it('groups the same level and message into one notice with a count, moved to the newest place', () => {
    let notices = withNotices([], [{ level: 'warning', message: 'Port busy' }]);
    notices = withNotices(notices, [
      { level: 'info', message: 'HAR saved' },
      { level: 'warning', message: 'Port busy' },
    ]);
    expect(notices.map((n) => [n.level, n.message, n.count])).toEqual([
      ['info', 'HAR saved', 1],
      ['warning', 'Port busy', 2],
    ]);
    // Same text at another level is another notice.
    notices = withNotices(notices, [{ level: 'error', message: 'Port busy' }]);
    expect(notices).toHaveLength(3);
  });

  it('keeps the newest five', () => {
    const notices = withNotices(
      [],
      Array.from({ length: 8 }, (_, i) => ({ level: 'info' as const, message: `n${i}` })),
    );
    expect(notices.map((n) => n.message)).toEqual(['n3', 'n4', 'n5', 'n6', 'n7']);
  });
});

describe('Notices', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useStore.setState({ notices: [] });
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('dismisses a notice by itself after its lifetime, an error later than an info', () => {
    render(<Notices />);
    act(() => {
      useStore.getState().pushNotice('info', 'HAR saved');
      useStore.getState().pushNotice('error', 'Export failed');
    });
    expect(screen.getByRole('status').textContent).toContain('HAR saved');
    act(() => vi.advanceTimersByTime(NOTICE_LIFETIME_MS.info + 1));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Export failed');
    act(() => vi.advanceTimersByTime(NOTICE_LIFETIME_MS.error));
    expect(useStore.getState().notices).toEqual([]);
  });

  it('shows a repeated notice once with its count, and holds notices while the pointer rests on them', () => {
    render(<Notices />);
    act(() => {
      useStore.getState().pushNotice('warning', 'Monitor API is down');
      useStore.getState().pushNotice('warning', 'Monitor API is down');
    });
    expect(screen.getAllByRole('status')).toHaveLength(1);
    expect(screen.getByRole('status').textContent).toContain('Monitor API is down ×2');
    const stack = screen.getByRole('status').parentElement!;
    fireEvent.pointerEnter(stack);
    act(() => vi.advanceTimersByTime(NOTICE_LIFETIME_MS.warning * 2));
    expect(screen.getAllByRole('status')).toHaveLength(1);
    fireEvent.pointerLeave(stack);
    act(() => vi.advanceTimersByTime(NOTICE_LIFETIME_MS.warning + 1));
    expect(screen.queryByRole('status')).toBeNull();
  });
});
