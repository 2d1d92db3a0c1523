/**
 * Intercept: every way to get a client's traffic into NetLens, one card each — the whole machine
 * (system proxy), a browser launched preconfigured, a terminal, Docker, by hand — with its state,
 * what it changes and how it is undone; and where the CA is trusted.
 */
import { useStore } from '../../store';
import { BrowserCards } from './BrowserCards';
import { CaTrustCard } from './CaTrustCard';
import { DockerCard } from './DockerCard';
import { ManualCard } from './ManualCard';
import { SystemProxyCard } from './SystemProxyCard';
import { TerminalCard } from './TerminalCard';
import './intercept.css';

export function InterceptView() {
  const info = useStore((s) => s.info);
  return (
    <section className="intercept-view" aria-label="Intercept">
      <p className="intercept-intro">
        Send traffic through NetLens
        {info?.proxyUrl ? (
          <>
            {' '}
            at <code>{info.proxyUrl}</code>
          </>
        ) : null}
        . Each way in says what it changes and how it is undone; traffic is labelled with where it came from
        (the Source column, <code>source:</code> in the filter).
      </p>
      <div className="intercept-grid">
        <SystemProxyCard />
        <BrowserCards />
        <TerminalCard platform={info?.platform} />
        <DockerCard />
        <ManualCard info={info} />
        <CaTrustCard />
      </div>
    </section>
  );
}
