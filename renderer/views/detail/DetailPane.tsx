import { useMemo } from 'react';
import type { Exchange } from '../../../shared/model';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { useStore } from '../../store';
import type { DetailTab } from '../../store';
import { selectSelectedExchange } from '../../store/selectors';
import { TracePanel } from '../correlation/TracePanel';
import { BodyTab } from './BodyTab';
import { curlForExchange } from './copyCurl';
import { DiagnosisBanner, DiagnosisTab } from './DiagnosisTab';
import { HeadersTab } from './HeadersTab';
import { compareBlocker, findLastSuccess } from './lastSuccess';
import { TimingTab } from './TimingTab';
import { TlsTab } from './TlsTab';
import { GrpcTab } from './GrpcTab';
import { StreamsTab } from './StreamsTab';
import { WebSocketMessagesTab } from './WebSocketMessagesTab';
import { errorLabel } from '../../../shared/errorClasses';
import { ReplayLinks } from '../replay/ReplayLinks';
import { replayBlocker, replayExchange } from '../replay/replayActions';

const TABS: { id: DetailTab; label: string }[] = [
  { id: 'headers', label: 'Headers' },
  { id: 'body', label: 'Body' },
  { id: 'timing', label: 'Timing' },
  { id: 'diagnosis', label: 'Diagnosis' },
  { id: 'tls', label: 'TLS' },
  { id: 'trace', label: 'Trace' },
];

/** Tabs that only some exchanges have: gRPC calls, HTTP/2 streams, WebSockets. */
function protocolTabs(exchange: Exchange): { id: DetailTab; label: string }[] {
  const tabs: { id: DetailTab; label: string }[] = [];
  if (exchange.grpc) tabs.push({ id: 'grpc', label: 'gRPC' });
  if (exchange.http2?.clientConnectionId !== undefined || exchange.http2?.upstreamStreamId !== undefined)
    tabs.push({ id: 'streams', label: 'Streams' });
  if (exchange.websocket || exchange.kind === 'websocket') tabs.push({ id: 'messages', label: 'Messages' });
  return tabs;
}

export function isFailure(exchange: Exchange): boolean {
  return exchange.error !== undefined || (exchange.response !== undefined && exchange.response.status >= 400);
}

/** Opens the Diff view: this failure against the last success to the same method, host and path. */
export function compareWithLastSuccess(exchange: Exchange): void {
  const { ids, byId, openDiff, pushNotice } = useStore.getState();
  const ok = findLastSuccess(exchange, ids, byId);
  if (ok) openDiff(exchange.id, ok.id);
  else
    pushNotice('info', `No successful ${exchange.request.method} to the same host and path to compare with.`);
}

/** Replay (as recorded) and Edit and resend; disabled with the reason when it cannot be resent. */
function ReplayButtons({ exchange }: { exchange: Exchange }) {
  const capturing = useStore((s) => s.capturing);
  const openEditor = useStore((s) => s.openReplayEditor);
  const pushNotice = useStore((s) => s.pushNotice);
  const blocker = replayBlocker(exchange, capturing);
  return (
    <>
      <button
        type="button"
        disabled={blocker !== undefined}
        title={blocker ?? 'Send this request again, as recorded, through NetLens (R)'}
        aria-keyshortcuts="R"
        onClick={() =>
          replayExchange(exchange.id).catch((error: unknown) =>
            pushNotice('error', error instanceof Error ? error.message : String(error)),
          )
        }
      >
        Replay
      </button>
      <button
        type="button"
        disabled={blocker !== undefined}
        title={blocker ?? 'Edit method, URL, headers and body, then send (E)'}
        aria-keyshortcuts="E"
        onClick={() => openEditor(exchange.id)}
      >
        Edit and resend…
      </button>
    </>
  );
}

/** Why there is nothing to compare a failure with, or undefined when there is. */
export function useCompareBlocker(exchange: Exchange): string | undefined {
  // Recomputed when exchanges arrive (a success may come after the failure), not on every store change.
  const version = useStore((s) => s.exchangesVersion);
  return useMemo(() => {
    void version;
    const { ids, byId } = useStore.getState();
    return compareBlocker(exchange, ids, byId);
  }, [exchange, version]);
}

function CompareButton({ exchange }: { exchange: Exchange }) {
  const blocker = useCompareBlocker(exchange);
  return (
    <button
      type="button"
      disabled={blocker !== undefined}
      title={
        blocker ??
        'Diff this failure against the last successful exchange with the same method, host and path'
      }
      onClick={() => compareWithLastSuccess(exchange)}
    >
      Compare with last success
    </button>
  );
}

/**
 * Everything about the selected exchange, in tabs. An exchange whose detail fails to render
 * shows the error in the pane; selecting another exchange starts the pane afresh.
 */
export function DetailPane() {
  const selectedId = useStore((s) => s.selectedId);
  return (
    <ErrorBoundary key={selectedId} label="Exchange detail" unit="pane">
      <DetailPaneContent />
    </ErrorBoundary>
  );
}

function DetailPaneContent() {
  const exchange = useStore(selectSelectedExchange);
  const tab = useStore((s) => s.detailTab);
  const setTab = useStore((s) => s.setDetailTab);
  const select = useStore((s) => s.select);
  const widthPx = useStore((s) => s.detailWidthPx);
  const setWidth = useStore((s) => s.setDetailWidth);
  const dropped = useStore((s) => s.selectedId !== undefined && s.droppedSelection === s.selectedId);
  const sessionId = useStore((s) => s.session?.id ?? s.info?.sessionId);
  if (!exchange && dropped)
    return (
      <aside className="detail" aria-label="Exchange detail">
        <p className="detail-dropped" role="status">
          This exchange was dropped from memory: NetLens keeps the newest exchanges in the list.
          {sessionId
            ? ` It is still in session ${sessionId} on disk (netlens sessions export ${sessionId}).`
            : ''}
        </p>
      </aside>
    );
  if (!exchange) return null;
  const tabs = [...TABS.slice(0, 2), ...protocolTabs(exchange), ...TABS.slice(2)];
  // A protocol tab chosen on another exchange falls back to Headers here.
  const shownTab = tabs.some((t) => t.id === tab) ? tab : 'headers';
  const status = exchange.response
    ? `${exchange.response.status} ${exchange.response.statusText}`
    : exchange.error
      ? `${errorLabel(exchange.error)} (${exchange.error.class})`
      : exchange.state;
  return (
    <aside className="detail" aria-label="Exchange detail" style={widthPx ? { width: widthPx } : undefined}>
      <div
        className="detail-resizer"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize detail pane"
        onPointerDown={(event) => {
          event.preventDefault();
          const handle = event.currentTarget;
          const pane = handle.parentElement!;
          const startX = event.clientX;
          const startWidth = pane.getBoundingClientRect().width;
          const maxWidth = (pane.parentElement?.getBoundingClientRect().width ?? 2000) - 240;
          handle.setPointerCapture(event.pointerId);
          const move = (e: PointerEvent) => setWidth(Math.min(maxWidth, startWidth + (startX - e.clientX)));
          const up = () => {
            handle.removeEventListener('pointermove', move);
            handle.removeEventListener('pointerup', up);
          };
          handle.addEventListener('pointermove', move);
          handle.addEventListener('pointerup', up);
        }}
      />
      <div className="detail-header">
        <strong>{exchange.request.method}</strong>
        <span className="url" title={exchange.request.url}>
          {exchange.request.url}
        </span>
        <span className={isFailure(exchange) ? 'badge danger' : 'badge'}>{status}</span>
        <button type="button" aria-label="Close detail" onClick={() => select(undefined)}>
          ✕
        </button>
      </div>
      <div className="toolbar" style={{ borderBottom: 'none', paddingBottom: 0 }}>
        <CopyButton
          label="Copy as cURL"
          getText={() => curlForExchange(exchange)}
          title="The original request, to the upstream URL"
        />
        <ReplayButtons exchange={exchange} />
        {isFailure(exchange) && <CompareButton exchange={exchange} />}
      </div>
      <ReplayLinks exchange={exchange} />
      <DiagnosisBanner exchange={exchange} />
      <div className="tabs" role="tablist" aria-label="Detail tabs">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`detail-tab-${t.id}`}
            aria-selected={shownTab === t.id}
            aria-controls="detail-panel"
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'diagnosis' && exchange.error ? ' ✖' : ''}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id="detail-panel" aria-labelledby={`detail-tab-${shownTab}`}>
        {shownTab === 'headers' && <HeadersTab exchange={exchange} />}
        {shownTab === 'body' && <BodyTab exchange={exchange} />}
        {shownTab === 'grpc' && <GrpcTab exchange={exchange} />}
        {shownTab === 'streams' && <StreamsTab exchange={exchange} />}
        {shownTab === 'messages' && <WebSocketMessagesTab exchange={exchange} />}
        {shownTab === 'timing' && <TimingTab exchange={exchange} />}
        {shownTab === 'diagnosis' && <DiagnosisTab exchange={exchange} />}
        {shownTab === 'tls' && <TlsTab exchange={exchange} />}
        {shownTab === 'trace' && <TracePanel exchange={exchange} />}
      </div>
    </aside>
  );
}
