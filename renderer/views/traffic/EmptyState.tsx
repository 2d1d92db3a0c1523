import { useStore } from '../../store';
import { CopyButton } from '../../components/CopyButton';
import { SetupSnippetList } from './SetupSnippetList';

/** What a new user sees before the first exchange: how to send traffic through NetLens. */
export function EmptyState() {
  const info = useStore((s) => s.info);
  const capturing = useStore((s) => s.capturing);
  const setView = useStore((s) => s.setView);
  const proxyUrl = info?.proxyUrl;
  return (
    <div className="empty-state" aria-label="Getting started">
      <h2>No traffic yet</h2>
      <p>
        <button type="button" className="primary" onClick={() => setView('intercept')}>
          Intercept traffic…
        </button>{' '}
        Launch a browser or a terminal that goes through NetLens, or make NetLens the system proxy, in one
        click.
      </p>
      {proxyUrl ? (
        <p>
          Or point an HTTP client at the NetLens proxy <code>{proxyUrl}</code>{' '}
          <CopyButton text={proxyUrl} label="Copy" title="Copy the proxy address" /> and trust its CA
          certificate <code>{info.caCertPath}</code>{' '}
          <CopyButton text={info.caCertPath} label="Copy" title="Copy the CA path" /> to see HTTPS. Every
          exchange shows up here as it happens.
        </p>
      ) : (
        <p>The proxy is not listening. Start it from Settings or the command line (`netlens proxy`).</p>
      )}
      {!capturing && <p className="badge warn">Capture is paused: press Start capture to record.</p>}
      {proxyUrl && info && <SetupSnippetList proxyUrl={proxyUrl} caCertPath={info.caCertPath} />}
    </div>
  );
}
