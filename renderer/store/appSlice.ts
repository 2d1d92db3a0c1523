import type { AppInfo } from '../../shared/api';
import type { SessionSummary } from '../../shared/session';
import type { SystemProxyState } from '../../shared/systemProxy';
import type { SliceCreator } from './sliceCreator';
import type { UiSlice } from './uiSlice';

export interface DiffPair {
  leftId: string;
  rightId: string;
}

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
  /** How many times this same notice was raised (shown as ×N; each repeat restarts its timer). */
  count: number;
}

export type NoticeInput = Omit<Notice, 'id' | 'count'>;

/** How long a notice stays before it dismisses itself; an error stays longer (hovering holds it). */
export const NOTICE_LIFETIME_MS: Record<Notice['level'], number> = {
  info: 6_000,
  warning: 10_000,
  error: 20_000,
};

export interface HarImportState {
  importId: string;
  entries: number;
  bytesRead: number;
  totalBytes?: number;
  /** The engine's last word on this import (it succeeded or failed; the result is a notice). */
  done: boolean;
}

export interface HarUpload {
  fileName: string;
  bytes: number;
  phase: 'reading' | 'sending';
}

export interface AppSlice {
  info?: AppInfo;
  setInfo(info: AppInfo): void;
  capturing: boolean;
  setCapturing(capturing: boolean): void;
  /** The transport's state ('open' once connected; web mode may drop and reconnect). */
  connection: 'connecting' | 'open' | 'closed';
  setConnection(connection: 'connecting' | 'open' | 'closed'): void;
  /** The first exchanges:list has arrived (before that, "no exchanges" is not known). */
  loaded: boolean;
  /** The pair the Diff view compares. */
  diffPair?: DiffPair;
  /** Sets the pair and switches to the Diff view. */
  openDiff(leftId: string, rightId: string): void;
  /** Engine notices and UI errors, newest last; the same message raised again is one notice with a count. */
  notices: Notice[];
  pushNotice(level: Notice['level'], message: string): void;
  dismissNotice(id: number): void;
  /** The OS proxy setting as the engine last reported it (systemProxy:status, systemProxy:changed). */
  systemProxy?: SystemProxyState;
  setSystemProxy(state: SystemProxyState): void;
  /** The session the engine records into (session:changed), once told. */
  session?: SessionSummary;
  /** The latest HAR import's progress (har:importProgress), while one runs or since the last. */
  harImport?: HarImportState;
  /**
   * A HAR import this page started (web mode), before and while the engine reports progress:
   * the file is read, then sent as one message.
   */
  harUpload?: HarUpload;
  setHarUpload(upload: HarUpload | undefined): void;
  /**
   * The selected exchange, when the engine dropped it from memory (it keeps the newest ones): the
   * detail pane says so instead of going blank.
   */
  droppedSelection?: string;
}

let nextNoticeId = 1;
const MAX_NOTICES = 5;

/**
 * The notices after `added`: a notice with the level and message of one already shown is that
 * one again (its count goes up, it moves to the newest place, with a new id so its timer restarts);
 * the newest MAX_NOTICES are kept.
 */
export function withNotices(notices: readonly Notice[], added: readonly NoticeInput[]): Notice[] {
  let out = [...notices];
  for (const notice of added) {
    const same = out.find((n) => n.level === notice.level && n.message === notice.message);
    out = out.filter((n) => n !== same);
    out.push({ id: nextNoticeId++, ...notice, count: (same?.count ?? 0) + 1 });
  }
  return out.slice(-MAX_NOTICES);
}

export const createAppSlice: SliceCreator<AppSlice, UiSlice> = (set) => ({
  info: undefined,
  setInfo: (info) => set({ info, capturing: info.capturing }),
  capturing: true,
  setCapturing: (capturing) => set({ capturing }),
  connection: 'connecting',
  // A reconnected page has missed the end of any import it watched: a running one reports again
  // within 250 ms.
  setConnection: (connection) =>
    set(connection === 'open' ? { connection, harImport: undefined } : { connection }),
  loaded: false,
  diffPair: undefined,
  openDiff: (leftId, rightId) => set({ diffPair: { leftId, rightId }, view: 'diff' }),
  notices: [],
  pushNotice: (level, message) => set((s) => ({ notices: withNotices(s.notices, [{ level, message }]) })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  systemProxy: undefined,
  session: undefined,
  harImport: undefined,
  harUpload: undefined,
  setHarUpload: (harUpload) => set({ harUpload }),
  droppedSelection: undefined,
  setSystemProxy: (systemProxy) => set({ systemProxy }),
});
