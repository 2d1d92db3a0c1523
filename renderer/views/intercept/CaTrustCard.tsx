import { useState } from 'react';
import type { CaStore } from '../../../shared/caTrust';
import { call } from '../../api';
import { InterceptCard } from './InterceptCard';
import { errorOf, useChannel } from './useChannel';

/** Where the NetLens CA is trusted, with install and remove per store. */
export function CaTrustCard() {
  const status = useChannel('ca:status');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const act = async (action: 'ca:install' | 'ca:uninstall', store: CaStore) => {
    setBusy(true);
    setError(undefined);
    try {
      await call(action, store);
    } catch (e) {
      setError(errorOf(e).message);
    } finally {
      setBusy(false);
      status.reload();
    }
  };
  const stores = status.value?.stores ?? [];
  const trustedAnywhere = stores.some((s) => s.trusted);
  return (
    <InterceptCard
      title="CA certificate trust"
      state={
        status.error && !status.value
          ? 'error'
          : status.loading && !status.value
            ? 'loading'
            : trustedAnywhere
              ? 'on'
              : 'off'
      }
      stateText={
        trustedAnywhere
          ? `Trusted in ${stores.filter((s) => s.trusted).length} of ${stores.length}`
          : undefined
      }
      changes="Adds the NetLens CA to your user's certificate stores, so apps and browsers that use them accept intercepted HTTPS without flags."
      undo="Remove it here, or with netlens ca --uninstall."
    >
      {status.error && <p className="intercept-error">{status.error.message}</p>}
      {stores.length > 0 && (
        <table className="intercept-table">
          <thead>
            <tr>
              <th>Store</th>
              <th>Where</th>
              <th>Trusted</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {stores.map((s) => (
              <tr key={`${s.store} ${s.location}`}>
                <td>{s.store}</td>
                <td className="mono" title={s.location}>
                  {s.location}
                </td>
                <td>
                  {s.available ? (
                    s.trusted ? (
                      '✔ yes'
                    ) : (
                      'no'
                    )
                  ) : (
                    <span className="muted">{s.reason ?? 'not available'}</span>
                  )}
                </td>
                <td>
                  {s.available && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void act(s.trusted ? 'ca:uninstall' : 'ca:install', storeOf(s.store))}
                    >
                      {s.trusted ? 'Remove' : 'Install'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <p className="intercept-error" role="alert">
          {error}
        </p>
      )}
    </InterceptCard>
  );
}

/** The store argument a row's button acts on: its own kind, or `user` for the user's per-app stores. */
function storeOf(store: string): CaStore {
  return store === 'nss' || store === 'system' ? store : 'user';
}
