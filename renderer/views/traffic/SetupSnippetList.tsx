import { CopyButton } from '../../components/CopyButton';
import { setupSnippets } from './setupSnippets';

/** The per-client recipes for sending traffic through NetLens, each with a copy button. */
export function SetupSnippetList({ proxyUrl, caCertPath }: { proxyUrl: string; caCertPath: string }) {
  return (
    <>
      {setupSnippets(proxyUrl, caCertPath).map((snippet) => (
        <section key={snippet.id} className="snippet" aria-label={`${snippet.title} setup`}>
          <header>
            <strong>{snippet.title}</strong>
            <CopyButton text={snippet.code} label="Copy" title={`Copy the ${snippet.title} snippet`} />
          </header>
          <pre className="block">{snippet.code}</pre>
          {snippet.note && <p className="muted">{snippet.note}</p>}
        </section>
      ))}
    </>
  );
}
