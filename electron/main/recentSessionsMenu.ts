/**
 * File → Open Recent: the saved sessions of the data directory (the engine's session list),
 * newest first (the Sessions view lists them all). Choosing one reopens it (its exchanges replace the list; new traffic joins it),
 * as the Sessions view's Open does. Pure: main.ts feeds it `engine.sessions.list()`.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { SessionSummary } from '../../shared/session.js';

/** As many as editors show in their Open Recent; the Sessions view lists them all. */
export const RECENT_SESSIONS_SHOWN = 10;

export interface RecentSessionsOptions {
  open(id: string): void;
  /** How a session's start reads (default: the system's locale and time zone). */
  formatStart?: (epochMs: number) => string;
}

function defaultFormatStart(epochMs: number): string {
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function recentSessionLabel(
  session: SessionSummary,
  formatStart: (epochMs: number) => string = defaultFormatStart,
): string {
  const count = `${session.exchanges.toLocaleString('en-US')} exchange${session.exchanges === 1 ? '' : 's'}`;
  const state = session.current ? ' (current)' : session.live ? ' (recording in another NetLens)' : '';
  // `&` is the mnemonic marker in menu labels: an id never holds one, but be safe.
  return `${formatStart(session.startedAtMs)} — ${count}${state}`.replace(/&/g, '&&');
}

export function recentSessionsMenuItem(
  sessions: readonly SessionSummary[],
  options: RecentSessionsOptions,
): MenuItemConstructorOptions {
  const formatStart = options.formatStart ?? defaultFormatStart;
  const recent = [...sessions]
    .sort((a, b) => b.startedAtMs - a.startedAtMs || (a.id < b.id ? 1 : -1))
    .slice(0, RECENT_SESSIONS_SHOWN);
  const items: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No saved sessions', enabled: false }]
      : recent.map((session) => ({
          label: recentSessionLabel(session, formatStart),
          toolTip: `Session ${session.id}`,
          // The current one is already open; one another NetLens records into cannot be joined.
          enabled: !session.current && !session.live,
          click: () => options.open(session.id),
        }));
  return { label: 'Open &Recent', submenu: items };
}
