import type { AppInfo } from '../../../shared/api';
import { CopyButton } from '../../components/CopyButton';
import { SetupSnippetList } from '../traffic/SetupSnippetList';
import { InterceptCard } from './InterceptCard';

/** Any client, configured by hand: the proxy address, the CA, and recipes per client. */
export function ManualCard({ info }: { info: AppInfo | undefined }) {
  const proxyUrl = info?.proxyUrl;
  return (
    <InterceptCard
      title="Manual"
      state={proxyUrl ? 'ready' : 'unavailable'}
      stateText={proxyUrl ? undefined : 'Proxy not listening'}
      changes="Whatever you configure by hand."
      undo="Remove the proxy setting from that client."
    >
      {proxyUrl && info ? (
        <>
          <p>
            Proxy <code>{proxyUrl}</code>{' '}
            <CopyButton text={proxyUrl} label="Copy" title="Copy the proxy address" /> · CA certificate{' '}
            <code>{info.caCertPath}</code>{' '}
            <CopyButton text={info.caCertPath} label="Copy" title="Copy the CA path" /> (also served at{' '}
            <code>{proxyUrl}/ca.pem</code>)
          </p>
          <details>
            <summary>Recipes for curl, Python, Node, Chromium, Firefox</summary>
            <SetupSnippetList proxyUrl={proxyUrl} caCertPath={info.caCertPath} />
          </details>
        </>
      ) : (
        <p className="muted">The proxy is not listening.</p>
      )}
    </InterceptCard>
  );
}
