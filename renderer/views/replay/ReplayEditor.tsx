import { useEffect, useRef, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import { replayEditProblem, type ReplayEdit } from '../../../shared/replay';
import { formatBytes } from '../../../shared/format';
import { call } from '../../api';
import { useStore } from '../../store';
import { base64ToBytes, bytesToText } from '../detail/bodyFormat';
import { editableHeaders, headersToLines, parseHeaderLines } from './headerLines';
import { replayExchange } from './replayActions';

/** The recorded body as the editor can hold it: text, or bytes it sends as they were. */
type BodyState =
  | { status: 'loading' }
  | { status: 'text'; text: string; decoded: boolean }
  | { status: 'binary'; sizeBytes: number }
  | { status: 'error'; message: string };

/** Edit and resend: the dialog for the exchange in `replayEditorId`. */
export function ReplayEditor() {
  const id = useStore((s) => s.replayEditorId);
  const exchange = useStore((s) => (id === undefined ? undefined : s.byId.get(id)));
  const close = useStore((s) => s.openReplayEditor);
  if (!exchange) return null;
  return <ReplayEditorDialog key={exchange.id} exchange={exchange} onClose={() => close(undefined)} />;
}

function ReplayEditorDialog({ exchange, onClose }: { exchange: Exchange; onClose(): void }) {
  const [method, setMethod] = useState(exchange.request.method);
  const [url, setUrl] = useState(exchange.request.url);
  const [headerText, setHeaderText] = useState<string>();
  const [body, setBody] = useState<BodyState>({ status: 'loading' });
  const [bodyText, setBodyText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  useEffect(() => {
    let cancelled = false;
    const settle = (state: BodyState) => {
      if (cancelled) return;
      setBody(state);
      if (state.status === 'text') setBodyText(state.text);
      // A body NetLens decoded goes out decoded: its Content-Encoding no longer applies.
      const decoded = state.status === 'text' && state.decoded;
      setHeaderText(headersToLines(editableHeaders(exchange.request.headers, decoded)));
    };
    if (exchange.request.body.sizeBytes === 0) settle({ status: 'text', text: '', decoded: false });
    else
      call('exchanges:body', exchange.id, 'request')
        .then((payload) => {
          if (!payload) return settle({ status: 'text', text: '', decoded: false });
          const text = bytesToText(base64ToBytes(payload.base64));
          settle(
            text === undefined
              ? { status: 'binary', sizeBytes: payload.sizeBytes }
              : {
                  status: 'text',
                  text,
                  decoded: payload.decoded && exchange.request.body.contentEncoding !== undefined,
                },
          );
        })
        .catch((e: unknown) =>
          settle({ status: 'error', message: e instanceof Error ? e.message : String(e) }),
        );
    return () => {
      cancelled = true;
    };
  }, [exchange]);

  const parsedHeaders = parseHeaderLines(headerText ?? '');
  const edit: ReplayEdit = {
    method: method.trim(),
    url: url.trim(),
    ...(parsedHeaders.ok ? { headers: parsedHeaders.headers } : {}),
    ...(body.status === 'text' ? { body: bodyText } : {}),
  };
  const problem = !parsedHeaders.ok
    ? `Headers, line ${parsedHeaders.line}: ${parsedHeaders.problem}.`
    : replayEditProblem(edit);
  const ready = headerText !== undefined && body.status !== 'loading' && body.status !== 'error';

  async function send() {
    setBusy(true);
    setError(undefined);
    try {
      await replayExchange(exchange.id, edit);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && ready && !problem && !busy) void send();
      }}
    >
      <div
        className="dialog replay-editor"
        role="dialog"
        aria-modal="true"
        aria-labelledby="replay-editor-title"
      >
        <h2 id="replay-editor-title">Edit and resend #{exchange.seq}</h2>
        <div className="replay-request-line">
          <label>
            <span className="muted">Method</span>
            <input
              ref={firstRef}
              aria-label="Method"
              className="replay-method"
              value={method}
              spellCheck={false}
              onChange={(e) => setMethod(e.target.value)}
            />
          </label>
          <label className="replay-url">
            <span className="muted">URL</span>
            <input aria-label="URL" value={url} spellCheck={false} onChange={(e) => setUrl(e.target.value)} />
          </label>
        </div>
        <label>
          <span className="muted">
            Headers — one “Name: value” a line; Host and Content-Length follow the URL and body
          </span>
          <textarea
            aria-label="Headers"
            rows={Math.min(10, Math.max(3, (headerText ?? '').split('\n').length + 1))}
            value={headerText ?? ''}
            disabled={headerText === undefined}
            spellCheck={false}
            onChange={(e) => setHeaderText(e.target.value)}
          />
        </label>
        <label>
          <span className="muted">
            Body
            {body.status === 'text' && body.decoded && ' (decoded: sent without its Content-Encoding)'}
          </span>
          {body.status === 'binary' ? (
            <p className="replay-binary">
              Binary body of {formatBytes(body.sizeBytes)}: sent as recorded (it cannot be edited as text).
            </p>
          ) : body.status === 'error' ? (
            <p role="alert" className="replay-problem">
              The recorded body could not be loaded: {body.message}
            </p>
          ) : (
            <textarea
              aria-label="Body"
              rows={8}
              value={bodyText}
              disabled={body.status === 'loading'}
              spellCheck={false}
              onChange={(e) => setBodyText(e.target.value)}
            />
          )}
        </label>
        {(problem ?? error) && (
          <p role="alert" className="replay-problem">
            {problem ?? error}
          </p>
        )}
        <footer>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={!ready || problem !== undefined || busy}
            title={problem ?? 'Send the edited request through NetLens (Ctrl+Enter)'}
            onClick={() => void send()}
          >
            {busy ? 'Sending…' : 'Send'}
          </button>
        </footer>
      </div>
    </div>
  );
}
