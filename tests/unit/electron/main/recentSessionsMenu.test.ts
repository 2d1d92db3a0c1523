import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { SessionSummary } from '@shared/session.js';

// Never load the real 'electron' package here: outside Electron it tries to download the binary.
vi.mock('electron', () => ({ Menu: { buildFromTemplate: (template: unknown) => ({ template }) } }));

const { RECENT_SESSIONS_SHOWN, recentSessionsMenuItem } = await import('@main/recentSessionsMenu.js');
const { appMenuTemplate } = await import('@main/menu.js');

const formatStart = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function session(id: string, startedAtMs: number, extra: Partial<SessionSummary> = {}): SessionSummary {
  return { id, startedAtMs, exchanges: 1200, bytes: 1000, ...extra };
}

function items(item: MenuItemConstructorOptions): MenuItemConstructorOptions[] {
  return item.submenu as MenuItemConstructorOptions[];
}

describe('recentSessionsMenuItem', () => {
  it('lists the newest sessions first, each with its start and size, and opens the one chosen', () => {
    const open = vi.fn();
    const menu = recentSessionsMenuItem(
      [
        session('20261201-090000-aaaa', Date.UTC(2026, 11, 1, 9)),
        session('20261205-100000-bbbb', Date.UTC(2026, 11, 5, 10), { exchanges: 1 }),
        session('20261203-110000-cccc', Date.UTC(2026, 11, 3, 11)),
      ],
      { open, formatStart },
    );
    expect(menu.label).toBe('Open &Recent');
    expect(items(menu).map((item) => item.label)).toEqual([
      '2026-12-05 10:00 — 1 exchange',
      '2026-12-03 11:00 — 1,200 exchanges',
      '2026-12-01 09:00 — 1,200 exchanges',
    ]);
    items(menu)[1]!.click!({} as never, undefined, {} as never);
    expect(open).toHaveBeenCalledWith('20261203-110000-cccc');
  });

  it('shows the current session and one another NetLens records into, but does not offer them', () => {
    const menu = recentSessionsMenuItem(
      [
        session('a', 3, { current: true, live: true }),
        session('b', 2, { live: true }),
        session('c', 1, { endedAtMs: 5 }),
      ],
      { open: () => undefined, formatStart: () => 'then' },
    );
    expect(items(menu).map((item) => [item.label, item.enabled])).toEqual([
      ['then — 1,200 exchanges (current)', false],
      ['then — 1,200 exchanges (recording in another NetLens)', false],
      ['then — 1,200 exchanges', true],
    ]);
  });

  it(`keeps the ${RECENT_SESSIONS_SHOWN} newest, and says so when there are none`, () => {
    const many = Array.from({ length: 25 }, (_, i) => session(`s${i}`, i * 1000));
    const shown = items(recentSessionsMenuItem(many, { open: () => undefined, formatStart }));
    expect(shown).toHaveLength(RECENT_SESSIONS_SHOWN);
    expect(shown[0]!.toolTip).toBe('Session s24');
    const none = items(recentSessionsMenuItem([], { open: () => undefined }));
    expect(none).toEqual([{ label: 'No saved sessions', enabled: false }]);
  });
});

describe('File menu', () => {
  const actions = {
    openSession: () => undefined,
    exportHar: () => undefined,
    toggleTheme: () => undefined,
    showAbout: () => undefined,
  };

  it('carries Open Recent under Open Session when the sessions are known', () => {
    const file = (template: MenuItemConstructorOptions[]) =>
      (template.find((menu) => menu.label === '&File')!.submenu as MenuItemConstructorOptions[]).map(
        (item) => item.label ?? item.role ?? item.type,
      );
    const withRecent = appMenuTemplate(
      { ...actions, recentSessions: { sessions: [session('a', 1)], open: () => undefined } },
      { platform: 'linux' },
    );
    expect(file(withRecent).slice(0, 2)).toEqual(['Open Session (HAR)…', 'Open &Recent']);
    expect(file(appMenuTemplate(actions, { platform: 'linux' }))).not.toContain('Open &Recent');
  });
});
