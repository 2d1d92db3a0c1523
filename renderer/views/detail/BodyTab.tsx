import { useEffect, useMemo, useState } from 'react';
import type { BodyPayload, BodySide, Exchange } from '../../../shared/model';
import { call } from '../../api';
import { base64ToBytes, bytesToText, hexDump, isPreviewableImage, prettyJson } from './bodyFormat';
import { formatBytes } from '../../../shared/format';

type Mode = 'pretty' | 'text' | 'hex' | 'image';
/** Text beyond this is cut in the view (the whole body is still in the engine and the HAR). */
const TEXT_LIMIT_CHARS = 2 * 1024 * 1024;

type Load =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'error'; message: string }
  | { status: 'ok'; payload: BodyPayload; bytes: Uint8Array };

/**
 * One side's body, fetched on demand. Bodies are untrusted: shown as text nodes, hex, or an
 * image in an <img> from a blob: URL — never parsed as HTML in the app's document.
 */
function BodyView({ exchange, side }: { exchange: Exchange; side: BodySide }) {
  const info = side === 'request' ? exchange.request.body : exchange.response?.body;
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [mode, setMode] = useState<Mode | undefined>();
  const pending = exchange.state === 'pending';
  const empty = !info || info.sizeBytes === 0;

  const skip = empty && !pending;
  // The parent keys this view by exchange id and state, so each fetch starts from 'loading'.
  useEffect(() => {
    if (skip) return;
    let cancelled = false;
    call('exchanges:body', exchange.id, side)
      .then((payload) => {
        if (cancelled) return;
        setLoad(
          payload ? { status: 'ok', payload, bytes: base64ToBytes(payload.base64) } : { status: 'none' },
        );
      })
      .catch((error: unknown) => {
        if (!cancelled)
          setLoad({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [exchange.id, side, skip]);

  const contentType =
    load.status === 'ok' ? (load.payload.contentType ?? info?.contentType) : info?.contentType;
  const decoded = useMemo(() => {
    if (load.status !== 'ok') return undefined;
    const text = bytesToText(load.bytes);
    const json = text !== undefined ? prettyJson(text) : undefined;
    return { text, json };
  }, [load]);
  const image = load.status === 'ok' && isPreviewableImage(contentType);
  const imageUrl = useMemo(() => {
    if (!image || load.status !== 'ok') return undefined;
    return URL.createObjectURL(new Blob([load.bytes as BlobPart], { type: contentType }));
  }, [image, load, contentType]);
  useEffect(
    () => () => {
      if (imageUrl) URL.revokeObjectURL(imageUrl);
    },
    [imageUrl],
  );

  if (skip) return <p className="muted">No {side} body.</p>;
  if (load.status === 'loading') return <p className="muted">Loading {side} body…</p>;
  if (load.status === 'none') return <p className="muted">No {side} body.</p>;
  if (load.status === 'error')
    return (
      <p role="alert">
        Could not load the {side} body: {load.message}
      </p>
    );

  const available: Mode[] = [];
  if (decoded?.json !== undefined) available.push('pretty');
  if (decoded?.text !== undefined) available.push('text');
  if (image) available.push('image');
  available.push('hex');
  const current = mode && available.includes(mode) ? mode : available[0]!;
  const text = current === 'pretty' ? decoded!.json! : (decoded?.text ?? '');

  return (
    <div>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 6 }}>
        <div className="segmented" role="group" aria-label={`${side} body view`}>
          {available.map((m) => (
            <button key={m} type="button" aria-pressed={m === current} onClick={() => setMode(m)}>
              {m === 'pretty' ? 'JSON' : m === 'text' ? 'Text' : m === 'hex' ? 'Hex' : 'Image'}
            </button>
          ))}
        </div>
        <span className="muted">
          {contentType ?? 'no content type'} · {formatBytes(load.payload.sizeBytes)}
          {load.payload.decoded && info?.contentEncoding ? ` (decoded from ${info.contentEncoding})` : ''}
          {load.payload.truncated ? ' · truncated: NetLens kept only the start of this body' : ''}
        </span>
      </div>
      {current === 'image' && imageUrl ? (
        <img className="body-image" src={imageUrl} alt={`${side} body image (${contentType})`} />
      ) : current === 'hex' ? (
        <pre className="block" aria-label={`${side} body hex`}>
          {hexDump(load.bytes)}
        </pre>
      ) : (
        <pre className="block" aria-label={`${side} body`}>
          {text.length > TEXT_LIMIT_CHARS ? `${text.slice(0, TEXT_LIMIT_CHARS)}\n… cut in this view` : text}
        </pre>
      )}
    </div>
  );
}

export function BodyTab({ exchange }: { exchange: Exchange }) {
  return (
    <div>
      <h3>Response body</h3>
      {exchange.response ? (
        <BodyView key={`${exchange.id}-${exchange.state}-response`} exchange={exchange} side="response" />
      ) : (
        <p className="muted">No response.</p>
      )}
      <h3>Request body</h3>
      <BodyView key={`${exchange.id}-${exchange.state}-request`} exchange={exchange} side="request" />
    </div>
  );
}
