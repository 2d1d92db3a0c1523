// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';

vi.mock('@renderer/api', () => ({
  onEvents: () => () => undefined,
  onConnectionChange: () => () => undefined,
  call: () => new Promise(() => undefined),
}));

/** The Overview throws while `failing` is set, as one bad entry in the statistics once did. */
const overview = vi.hoisted(() => ({ failing: true }));
vi.mock('@renderer/views/overview/OverviewView', () => ({
  OverviewView() {
    if (overview.failing) throw new RangeError('Maximum call stack size exceeded');
    return <section aria-label="Overview">overview works</section>;
  },
}));

const { App } = await import('@renderer/App');
const { useStore } = await import('@renderer/store');
const { VIEWS } = await import('@renderer/views/viewRegistry');

beforeAll(() => {
  // What the canvas and chart views need and jsdom lacks.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    addEventListener() {},
    removeEventListener() {},
  })) as unknown as typeof window.matchMedia;
});

afterEach(() => {
  cleanup();
  overview.failing = true;
  useStore.getState().setView('traffic');
});

function nav() {
  return within(screen.getByRole('navigation', { name: 'Views' }));
}

describe('App', () => {
  it('a view that throws shows its error and a Reload button; the navigation and other views keep working', () => {
    // React reports the caught error on the console; the boundary logs it too.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<App />);
    fireEvent.click(nav().getByRole('button', { name: 'Overview' }));
    const failure = screen.getByRole('alert', { name: 'Overview failed' });
    expect(failure.textContent).toContain('RangeError: Maximum call stack size exceeded');
    expect(within(failure).getByRole('button', { name: 'Reload view' })).toBeTruthy();
    // The app is still there: the nav switches to a view that works.
    fireEvent.click(nav().getByRole('button', { name: 'Traffic' }));
    expect(screen.getByRole('region', { name: 'Traffic' })).toBeTruthy();
    expect(screen.queryByRole('alert', { name: 'Overview failed' })).toBeNull();
    // Back to the failed view, which recovers with "Reload view" once its data is fine.
    fireEvent.click(nav().getByRole('button', { name: 'Overview' }));
    overview.failing = false;
    fireEvent.click(screen.getByRole('button', { name: 'Reload view' }));
    expect(screen.getByRole('region', { name: 'Overview' }).textContent).toBe('overview works');
    quiet.mockRestore();
  });

  it('lists every registered view in the nav, and each one’s shortcut opens it', () => {
    overview.failing = false;
    render(<App />);
    expect(
      nav()
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(VIEWS.map((v) => v.label));
    for (const view of VIEWS) {
      act(() => {
        window.dispatchEvent(new KeyboardEvent('keydown', { key: view.shortcut, bubbles: true }));
      });
      expect(useStore.getState().view).toBe(view.name);
      expect(nav().getByRole('button', { name: view.label }).getAttribute('aria-current')).toBe('page');
      expect(screen.queryByRole('alert', { name: `${view.label} failed` })).toBeNull();
    }
  });
});
