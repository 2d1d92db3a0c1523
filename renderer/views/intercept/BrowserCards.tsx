import { useState } from 'react';
import type { BrowserInfo, LaunchedBrowser } from '../../../shared/browsers';
import { call } from '../../api';
import { InterceptCard } from './InterceptCard';
import { errorOf, useChannel } from './useChannel';

/** One card per browser found: launched with a throw-away profile that trusts NetLens. */
export function BrowserCards() {
  const browsers = useChannel('browsers:list');
  if (browsers.loading && !browsers.value) {
    return <InterceptCard title="Browsers" state="loading" changes="…" undo="…" />;
  }
  if (browsers.error || !browsers.value || browsers.value.length === 0) {
    return (
      <InterceptCard
        title="Browsers"
        state={browsers.error ? 'error' : 'unavailable'}
        changes="Nothing."
        undo="Nothing to undo."
      >
        <p className="muted">
          {browsers.error
            ? browsers.error.message
            : 'No Chromium, Chrome, Edge, Brave or Firefox was found. Install one, or point your browser at the proxy by hand (see Manual).'}
        </p>
      </InterceptCard>
    );
  }
  return (
    <>
      {browsers.value.map((browser) => (
        <BrowserCard key={browser.id} browser={browser} />
      ))}
    </>
  );
}

function BrowserCard({ browser }: { browser: BrowserInfo }) {
  const [launched, setLaunched] = useState<LaunchedBrowser[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const launch = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const opened = await call('browsers:launch', { browser: browser.id });
      setLaunched((list) => [...list, opened]);
    } catch (e) {
      setError(errorOf(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <InterceptCard
      title={browser.name}
      label={`${browser.name} browser`}
      state={launched.length > 0 ? 'on' : 'ready'}
      stateText={launched.length > 0 ? `Launched: ${launched.map((l) => l.source).join(', ')}` : undefined}
      changes={
        <>
          Nothing on your machine: a new {browser.name} window with a throw-away profile that uses NetLens and
          trusts its CA
          {browser.family === 'chromium' ? ' (by its key, for this window only)' : ' (in that profile only)'}.
          {browser.version && <span className="muted"> {browser.version}</span>}
        </>
      }
      undo="Close the window: the profile is deleted."
    >
      <div className="intercept-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void launch()}>
          {busy ? 'Launching…' : `Launch ${browser.name}`}
        </button>
        <span className="muted mono" title={browser.path}>
          {browser.path}
        </span>
      </div>
      {error && (
        <p className="intercept-error" role="alert">
          {error}
        </p>
      )}
    </InterceptCard>
  );
}
