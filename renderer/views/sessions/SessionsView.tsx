/**
 * The saved sessions (docs/sessions.md): every capture is one, written to disk as it happens.
 * Open one to see its exchanges (new ones are recorded into it), or remove one. The list is
 * loaded when the view opens and again when the current session changes.
 */
import { useEffect, useState } from 'react';
import type { SessionSummary } from '../../../shared/session';
import { formatBytes } from '../../../shared/format';
import { call } from '../../api';
import { useStore } from '../../store';
import './sessions.css';

function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

function status(session: SessionSummary): string {
  if (session.current) return 'recording (this NetLens)';
  if (session.live) return 'recording (another NetLens)';
  if (session.endedAtMs !== undefined) return `ended ${when(session.endedAtMs)}`;
  return 'not closed (crashed?)';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function SessionsView() {
  const [sessions, setSessions] = useState<SessionSummary[] | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const current = useStore((s) => s.session);
  const pushNotice = useStore((s) => s.pushNotice);
  const setView = useStore((s) => s.setView);

  // Loaded again when the current session changes (cleared, opened, grown) or on Refresh.
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let cancelled = false;
    call('sessions:list').then(
      (list) => {
        if (!cancelled) setSessions(list);
      },
      (error: unknown) => {
        if (cancelled) return;
        pushNotice('error', `Could not list the sessions: ${messageOf(error)}`);
        setSessions([]);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [pushNotice, reloads, current?.id, current?.exchanges]);

  async function open(id: string) {
    setBusy(id);
    try {
      await call('sessions:open', id);
      setView('traffic');
    } catch (error) {
      pushNotice('error', `Could not open session ${id}: ${messageOf(error)}`);
    } finally {
      setBusy(undefined);
    }
  }

  async function remove(id: string) {
    if (!window.confirm(`Remove session ${id} from the disk? This cannot be undone.`)) return;
    setBusy(id);
    try {
      setSessions(await call('sessions:remove', id));
    } catch (error) {
      pushNotice('error', `Could not remove session ${id}: ${messageOf(error)}`);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section className="sessions-view" aria-label="Sessions">
      <div className="toolbar">
        <strong>Saved sessions</strong>
        <span className="muted">
          Every capture is saved as it happens; the oldest are removed beyond the limits in Settings →
          Sessions.
        </span>
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {sessions === undefined ? (
        <p className="muted sessions-empty">Loading…</p>
      ) : sessions.length === 0 ? (
        <p className="muted sessions-empty">No saved sessions.</p>
      ) : (
        <table className="sessions-table" aria-label="Saved sessions">
          <thead>
            <tr>
              <th>Session</th>
              <th>Started</th>
              <th>State</th>
              <th className="num">Exchanges</th>
              <th className="num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id} className={session.current ? 'session-current' : undefined}>
                <td className="mono">{session.id}</td>
                <td>{when(session.startedAtMs)}</td>
                <td>{status(session)}</td>
                <td className="num">
                  {session.exchanges.toLocaleString()}
                  {session.droppedExchanges ? (
                    <span className="muted"> (+{session.droppedExchanges.toLocaleString()} dropped)</span>
                  ) : null}
                </td>
                <td className="num">{formatBytes(session.bytes)}</td>
                <td className="session-actions">
                  <button
                    type="button"
                    disabled={session.current === true || session.live === true || busy !== undefined}
                    onClick={() => void open(session.id)}
                  >
                    Open
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={session.current === true || session.live === true || busy !== undefined}
                    onClick={() => void remove(session.id)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
