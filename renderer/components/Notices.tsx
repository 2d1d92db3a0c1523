/**
 * Notices (engine warnings, UI errors, monitor changes): a stack at the bottom right that never
 * covers the detail pane (it sits left of the pane when one is open), the same message grouped
 * as one notice with a count, each dismissing itself after NOTICE_LIFETIME_MS unless the
 * pointer rests on the stack.
 */
import { useEffect, useLayoutEffect, useState } from 'react';
import { useStore } from '../store';
import { NOTICE_LIFETIME_MS, type Notice } from '../store/appSlice';

const GAP_PX = 12;

/** The px from the window's right edge the stack keeps clear: the detail pane's width, if one is open. */
function useDetailPaneClearance(): number {
  const selectedId = useStore((s) => s.selectedId);
  const widthPx = useStore((s) => s.detailWidthPx);
  const view = useStore((s) => s.view);
  const [clearance, setClearance] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const pane = document.querySelector('aside.detail');
      setClearance(pane ? Math.max(0, window.innerWidth - pane.getBoundingClientRect().left) : 0);
    };
    measure();
    const pane = document.querySelector('aside.detail');
    const observer = pane && typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : undefined;
    if (pane) observer?.observe(pane);
    window.addEventListener('resize', measure);
    return () => {
      observer?.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [selectedId, widthPx, view]);
  return clearance;
}

function NoticeItem({ notice, paused }: { notice: Notice; paused: boolean }) {
  const dismiss = useStore((s) => s.dismissNotice);
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => dismiss(notice.id), NOTICE_LIFETIME_MS[notice.level]);
    return () => clearTimeout(timer);
  }, [notice.id, notice.level, paused, dismiss]);
  return (
    <div className={`notice ${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
      <p>
        {notice.message}
        {notice.count > 1 ? (
          <span className="notice-count" title={`Raised ${notice.count} times`}>
            {' '}
            ×{notice.count}
          </span>
        ) : null}
      </p>
      <button type="button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ✕
      </button>
    </div>
  );
}

export function Notices() {
  const notices = useStore((s) => s.notices);
  const clearance = useDetailPaneClearance();
  const [paused, setPaused] = useState(false);
  if (notices.length === 0) return null;
  return (
    <div
      className="notices"
      aria-live="polite"
      style={{ right: clearance + GAP_PX, maxWidth: `min(480px, calc(100vw - ${clearance + 2 * GAP_PX}px))` }}
      onPointerEnter={() => setPaused(true)}
      onPointerLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      {notices.map((n) => (
        <NoticeItem key={n.id} notice={n} paused={paused} />
      ))}
    </div>
  );
}
