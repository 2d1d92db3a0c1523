import { useState } from 'react';
import type { SystemProxyState } from '../../../shared/systemProxy';
import { call } from '../../api';
import { useStore } from '../../store';
import { InterceptCard, type CardState } from './InterceptCard';
import { errorOf, useChannel } from './useChannel';

function cardState(state: SystemProxyState | undefined, loading: boolean, failed: boolean): CardState {
  if (!state) return loading ? 'loading' : failed ? 'error' : 'unavailable';
  if (!state.supported) return 'unavailable';
  return state.active ? 'on' : 'off';
}

/** The whole machine: the OS proxy setting, always restored (on off, on quit, after a crash). */
export function SystemProxyCard() {
  const status = useChannel('systemProxy:status');
  // The engine reports every change (the tray, the menu, another NetLens process, a restore):
  // once it has, that is newer than what the card loaded.
  const live = useStore((s) => s.systemProxy);
  const setLive = useStore((s) => s.setSystemProxy);
  const [pac, setPac] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  const state = live ?? status.value;
  const set = async (on: boolean) => {
    setBusy(true);
    setActionError(undefined);
    try {
      setLive(await call('systemProxy:set', { on, pac }));
    } catch (error) {
      setActionError(errorOf(error).message);
    } finally {
      setBusy(false);
      status.reload();
    }
  };
  const owner = state?.owner;
  return (
    <InterceptCard
      title="System proxy"
      state={cardState(state, status.loading, status.error !== undefined)}
      stateText={
        state?.active && owner
          ? `On — set by ${owner.self ? 'this NetLens' : owner.pid !== undefined ? `${owner.name} (pid ${owner.pid})` : owner.name}`
          : undefined
      }
      changes={
        state?.supported ? (
          <>
            The{' '}
            {state.backend === 'gnome'
              ? 'GNOME'
              : state.backend === 'kde'
                ? 'KDE'
                : state.backend === 'macos'
                  ? 'macOS'
                  : 'Windows'}{' '}
            proxy setting, so every app that follows it goes through NetLens. Now:{' '}
            <code>{state.current}</code>
          </>
        ) : (
          'Nothing: no desktop proxy setting NetLens can change was found.'
        )
      }
      undo={
        state?.restore ? (
          <>
            Turning it off restores <code>{state.restore}</code>. NetLens also restores it when it quits, and
            after a crash at its next start.
          </>
        ) : (
          'Turning it off restores exactly the settings you had; so does quitting NetLens, and its next start after a crash.'
        )
      }
    >
      {status.error && <p className="intercept-error">{status.error.message}</p>}
      {state && !state.supported && <p className="muted">{state.unsupportedReason}</p>}
      {state?.warnings?.map((warning) => (
        <p key={warning} className="intercept-error">
          {warning}
        </p>
      ))}
      {state?.supported && (
        <div className="intercept-actions">
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              aria-label="Use NetLens as the system proxy"
              checked={state.active}
              disabled={busy}
              onChange={(event) => void set(event.target.checked)}
            />
            Use NetLens as the system proxy
          </label>
          <label title="The OS fetches a PAC file from NetLens that falls back to a direct connection when NetLens is not running.">
            <input
              type="checkbox"
              checked={pac}
              disabled={busy || state.active}
              onChange={(e) => setPac(e.target.checked)}
            />
            through a PAC file (falls back to direct when NetLens is down)
          </label>
        </div>
      )}
      {actionError && (
        <p className="intercept-error" role="alert">
          {actionError}
        </p>
      )}
    </InterceptCard>
  );
}
