import { useEffect, useRef, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import type { GrpcDirectionView, GrpcMessageView, GrpcMessagesView } from '../../../shared/grpcMessages';
import type { ProtoSchemaState } from '../../../shared/protoSchema';
import { formatProtoText, type ProtoField } from '../../../shared/protobufWire';
import { formatBytes } from '../../../shared/format';
import { CopyButton } from '../../components/CopyButton';
import { call } from '../../api';
import { useStore } from '../../store';
import './protocolPanels.css';

type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; value: T };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One decoded field; nested messages fold. Values are text nodes: the bytes are untrusted. */
function FieldRow({ field }: { field: ProtoField }) {
  // Spaces as text, so a copied selection reads `1 text string: "hello"`.
  const label = (
    <>
      <span className="pb-number" title={`field ${field.number}, wire type ${field.wireType}`}>
        {field.number}
      </span>{' '}
      {field.name && (
        <>
          <span className="pb-name">{field.name}</span>{' '}
        </>
      )}
      <span className="pb-type">{field.type ?? field.wireType}:</span>{' '}
    </>
  );
  const hints = [...(field.alternatives ?? []), ...(field.mismatch ? [field.mismatch] : [])];
  if (field.kind === 'message')
    return (
      <li>
        <details open>
          <summary>
            {label}
            <span className="muted">
              {' '}
              {'{'}
              {field.fields?.length ?? 0} field{field.fields?.length === 1 ? '' : 's'}
              {'}'}
            </span>
            {field.mismatch && <span className="pb-hint"> {field.mismatch}</span>}
          </summary>
          <FieldList fields={field.fields ?? []} />
        </details>
      </li>
    );
  const value =
    field.kind === 'string'
      ? JSON.stringify(field.text)
      : field.kind === 'packed'
        ? `[${(field.values ?? []).join(', ')}]`
        : field.text;
  return (
    <li>
      {label}
      <span className={`pb-value pb-${field.kind}`}>{value}</span>
      {hints.length > 0 && <span className="pb-hint">{hints.join(' · ')}</span>}
    </li>
  );
}

function FieldList({ fields }: { fields: readonly ProtoField[] }) {
  if (fields.length === 0) return <p className="muted pb-empty">(empty message)</p>;
  return (
    <ul className="pb-fields">
      {fields.map((field, i) => (
        <FieldRow key={i} field={field} />
      ))}
    </ul>
  );
}

function MessageCard({
  message,
  side,
  encoding,
}: {
  message: GrpcMessageView;
  side: string;
  encoding?: string;
}) {
  const [asText, setAsText] = useState(false);
  const decoded = message.decoded;
  const type = message.typeName?.split('.').pop();
  return (
    <section className="grpc-message" aria-label={`${side} message ${message.index + 1}`}>
      <header>
        <strong>#{message.index + 1}</strong>
        <span className="muted">{formatBytes(message.lengthBytes)}</span>
        {message.compressed && <span className="badge">{encoding ?? 'compressed'}</span>}
        {type && (
          <span className="badge ok" title={message.typeName}>
            {type}
          </span>
        )}
        {message.truncated && <span className="badge warn">cut: captured in part</span>}
        {decoded && (
          <span className="grpc-message-tools">
            <button type="button" aria-pressed={asText} onClick={() => setAsText(!asText)}>
              {asText ? 'Tree' : 'Text'}
            </button>
            <CopyButton
              label="Copy"
              getText={async () => formatProtoText(decoded.fields)}
              title="As protoc prints it"
            />
          </span>
        )}
      </header>
      {message.error && <p role="alert">{message.error}</p>}
      {decoded &&
        (asText ? (
          <pre className="block">{formatProtoText(decoded.fields)}</pre>
        ) : (
          <FieldList fields={decoded.fields} />
        ))}
      {decoded?.error && (
        <p className="pb-hint">
          Not all protobuf: {decoded.error}
          {decoded.fields.length > 0 ? ' (the fields before it are shown)' : ''}.
        </p>
      )}
      {decoded?.cut && <p className="pb-hint">Too many fields: the first 20,000 are shown.</p>}
    </section>
  );
}

function Direction({ title, view, encoding }: { title: string; view: GrpcDirectionView; encoding?: string }) {
  const count = view.messages.length + view.notShown;
  return (
    <div className="grpc-direction">
      <h3>
        {title} <span className="muted">({count})</span>
      </h3>
      {view.missing && <p className="muted">Not captured.</p>}
      {!view.missing && count === 0 && <p className="muted">No messages.</p>}
      {view.messages.map((message) => (
        <MessageCard key={message.index} message={message} side={title.toLowerCase()} encoding={encoding} />
      ))}
      {view.notShown > 0 && <p className="muted">…and {view.notShown} more messages not shown.</p>}
      {view.leftoverBytes !== undefined && (
        <p className="pb-hint">{view.leftoverBytes} bytes after the last message do not make a whole one.</p>
      )}
      {view.trailers && (
        <p className="muted">
          gRPC-Web trailers: {view.trailers.map((t) => `${t.name}: ${t.value}`).join(', ')}
        </p>
      )}
    </div>
  );
}

/** The loaded .proto files, and a control to load one (its text goes to the engine, which parses it). */
function ProtoFiles({
  state,
  onChange,
}: {
  state: ProtoSchemaState;
  onChange(state: ProtoSchemaState): void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const pushNotice = useStore((s) => s.pushNotice);
  const load = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      try {
        onChange(await call('grpc:loadProto', file.name, await file.text()));
      } catch (error) {
        pushNotice('error', messageOf(error));
      }
    }
    if (input.current) input.current.value = '';
  };
  return (
    <div className="proto-files">
      <button type="button" onClick={() => input.current?.click()} title="Name the fields with a .proto file">
        Load .proto…
      </button>
      <input
        ref={input}
        type="file"
        accept=".proto,text/plain"
        multiple
        hidden
        aria-label="Load .proto files"
        onChange={(event) => void load(event.currentTarget.files)}
      />
      {state.files.map((file) => (
        <span key={file.fileName} className="badge" title={file.methods.join('\n') || 'no service'}>
          {file.fileName}
          {file.unresolved.length > 0 && (
            <span className="pb-hint" title={`Not defined by a loaded file: ${file.unresolved.join(', ')}`}>
              {' '}
              ({file.unresolved.length} unresolved)
            </span>
          )}
          <button
            type="button"
            className="link"
            aria-label={`Remove ${file.fileName}`}
            onClick={() =>
              call('grpc:removeProto', file.fileName)
                .then(onChange)
                .catch((error: unknown) => pushNotice('error', messageOf(error)))
            }
          >
            ✕
          </button>
        </span>
      ))}
    </div>
  );
}

/** A gRPC call's messages each way, decoded by the engine: raw, or named by a loaded .proto or the server's reflection. */
export function GrpcTab({ exchange }: { exchange: Exchange }) {
  const grpc = exchange.grpc!;
  const [protos, setProtos] = useState<ProtoSchemaState>({ files: [] });
  const [load, setLoad] = useState<Load<GrpcMessagesView>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let cancelled = false;
    call('grpc:protos')
      .then((state) => !cancelled && setProtos(state))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  useEffect(() => {
    let cancelled = false;
    call('grpc:messages', exchange.id)
      .then((value) => !cancelled && setLoad({ status: 'ok', value }))
      .catch((error: unknown) => !cancelled && setLoad({ status: 'error', message: messageOf(error) }));
    return () => {
      cancelled = true;
    };
  }, [exchange.id, exchange.state, generation]);
  const responseEncoding = exchange.response?.headers.find(
    (h) => h.name.toLowerCase() === 'grpc-encoding',
  )?.value;
  return (
    <div className="grpc-tab">
      <table className="kv" aria-label="gRPC call">
        <tbody>
          <tr>
            <th scope="row">Method</th>
            <td>
              {grpc.service}/{grpc.method}
              {grpc.web ? ` (gRPC-Web, ${grpc.web})` : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">Status</th>
            <td>
              {grpc.status === undefined ? (
                <span className="muted">
                  {exchange.state === 'pending' ? 'in progress' : 'none received'}
                </span>
              ) : (
                <span className={grpc.status === 0 ? 'badge ok' : 'badge danger'}>
                  {grpc.status} {grpc.statusName}
                </span>
              )}
              {grpc.message && grpc.message !== grpc.statusName ? ` ${grpc.message}` : ''}
            </td>
          </tr>
          {(grpc.encoding || responseEncoding) && (
            <tr>
              <th scope="row">Compression</th>
              <td>
                request {grpc.encoding ?? 'identity'}, response {responseEncoding ?? 'identity'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <ProtoFiles
        state={protos}
        onChange={(state) => {
          setProtos(state);
          setGeneration((g) => g + 1);
        }}
      />
      {exchange.state === 'pending' && (
        <p className="muted">The call is in progress: its messages are decoded once it ends.</p>
      )}
      {load.status === 'loading' && <p className="muted">Decoding messages…</p>}
      {load.status === 'error' && <p role="alert">Could not decode the messages: {load.message}</p>}
      {load.status === 'ok' && exchange.state !== 'pending' && (
        <>
          {load.value.names && (
            <p className="muted grpc-names">
              Field names from{' '}
              {load.value.names.kind === 'proto' ? (
                <strong>{load.value.names.fileName}</strong>
              ) : (
                <>
                  the server&apos;s reflection service at <strong>{load.value.names.origin}</strong>
                </>
              )}
              .
            </p>
          )}
          {!load.value.schemaMethod && (
            <p className="muted">
              No loaded .proto has {load.value.method}: fields are shown by number, as protoc --decode_raw
              shows them.
            </p>
          )}
          {load.value.reflection && (
            <p className="muted grpc-names">
              No names from server reflection at <strong>{load.value.reflection.origin}</strong>:{' '}
              {load.value.reflection.problem}.
            </p>
          )}
          <Direction title="Request" view={load.value.request} encoding={grpc.encoding} />
          <Direction title="Response" view={load.value.response} encoding={responseEncoding} />
        </>
      )}
    </div>
  );
}
