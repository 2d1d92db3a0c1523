import { useEffect, useMemo, useState } from 'react';
import type { Exchange, WebSocketFrame } from '../../../shared/model';
import { formatBytes } from '../../../shared/format';
import { call, onEvents } from '../../api';
import './protocolPanels.css';

const OPCODES: Record<number, string> = {
  0: 'continuation',
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

type Direction = 'all' | 'send' | 'receive';

interface LiveLog {
  frames: WebSocketFrame[];
  framesNotRecorded: number;
  open: boolean;
}

/**
 * Frames merged by their place in the log: a snapshot (`websocket:frames`) and the events that
 * came before or after it overlap; each index is kept once.
 */
export function mergeFrames(
  frames: WebSocketFrame[],
  startIndex: number,
  incoming: readonly WebSocketFrame[],
): WebSocketFrame[] {
  if (startIndex > frames.length) return frames; // a gap: the next snapshot fills it
  if (startIndex + incoming.length <= frames.length) return frames;
  return [...frames, ...incoming.slice(frames.length - startIndex)];
}

function timeOf(ms: number, firstMs: number): string {
  const d = new Date(ms);
  const clock = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return `${clock} (+${((ms - firstMs) / 1000).toFixed(3)} s)`;
}

function preview(frame: WebSocketFrame): string {
  if (frame.encoding !== 'base64') return frame.data;
  if (frame.opcode === 8 && frame.data) {
    // A close frame: a 2-byte code, then a UTF-8 reason (RFC 6455 §5.5.1).
    const bytes = Uint8Array.from(atob(frame.data), (c) => c.charCodeAt(0));
    if (bytes.length >= 2) {
      const reason = new TextDecoder().decode(bytes.subarray(2));
      return `code ${(bytes[0]! << 8) | bytes[1]!}${reason ? ` ${reason}` : ''}`;
    }
  }
  return `base64 ${frame.data}`;
}

/** The message log of a WebSocket, as it grows while the WebSocket is open, with a filter. */
export function WebSocketMessagesTab({ exchange }: { exchange: Exchange }) {
  const [log, setLog] = useState<LiveLog | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [direction, setDirection] = useState<Direction>('all');
  const [search, setSearch] = useState('');
  const [controlFrames, setControlFrames] = useState(true);
  const closed = exchange.state !== 'pending';

  useEffect(() => {
    let cancelled = false;
    // Listen first, then fetch: frames between the two arrive as events and merge by index.
    const stop = onEvents((events) => {
      for (const event of events) {
        if (event.type !== 'websocket:frames' || event.id !== exchange.id) continue;
        setLog((current) => {
          const base = current ?? { frames: [], framesNotRecorded: 0, open: true };
          return {
            ...base,
            frames: mergeFrames(base.frames, event.startIndex, event.frames),
            framesNotRecorded: event.framesNotRecorded ?? base.framesNotRecorded,
          };
        });
      }
    });
    call('websocket:frames', exchange.id)
      .then((snapshot) => {
        if (cancelled) return;
        setLog((current) => ({
          frames: current
            ? mergeFrames(
                snapshot.frames,
                snapshot.frames.length,
                current.frames.slice(snapshot.frames.length),
              )
            : snapshot.frames,
          framesNotRecorded: Math.max(snapshot.framesNotRecorded ?? 0, current?.framesNotRecorded ?? 0),
          open: snapshot.open,
        }));
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      stop();
    };
  }, [exchange.id]);

  // Once closed, the record holds the whole log.
  const recorded = closed ? exchange.websocket?.frames : undefined;
  const liveFrames = log?.frames;
  const frames = useMemo(() => recorded ?? liveFrames ?? [], [recorded, liveFrames]);
  const notRecorded = closed ? (exchange.websocket?.framesNotRecorded ?? 0) : (log?.framesNotRecorded ?? 0);
  const needle = search.trim().toLowerCase();
  const shown = useMemo(
    () =>
      frames
        .map((frame, index) => ({ frame, index }))
        .filter(
          ({ frame }) =>
            (direction === 'all' || frame.direction === direction) &&
            (controlFrames || frame.opcode < 8) &&
            (needle === '' || preview(frame).toLowerCase().includes(needle)),
        ),
    [frames, direction, controlFrames, needle],
  );
  const firstMs = frames[0]?.timeMs ?? exchange.startedAtMs;
  // While open, messages are counted from the log (the record's counts are filled in at close).
  const liveCount = { send: 0, receive: 0 };
  for (const frame of frames) if (frame.opcode < 8 && frame.fin !== false) liveCount[frame.direction] += 1;
  const ws = exchange.websocket;

  return (
    <div>
      <p className="muted">
        {closed && ws
          ? `Closed · ${ws.messagesFromClient} message${ws.messagesFromClient === 1 ? '' : 's'} sent (${formatBytes(ws.bytesFromClient)}), ${ws.messagesFromServer} received (${formatBytes(ws.bytesFromServer)})`
          : `Open · ${liveCount.send} message${liveCount.send === 1 ? '' : 's'} sent, ${liveCount.receive} received so far · frames appear as they pass`}
      </p>
      <div className="protocol-toolbar">
        <div className="segmented" role="group" aria-label="Direction">
          {(['all', 'send', 'receive'] as const).map((d) => (
            <button key={d} type="button" aria-pressed={direction === d} onClick={() => setDirection(d)}>
              {d === 'all' ? 'All' : d === 'send' ? '↑ Sent' : '↓ Received'}
            </button>
          ))}
        </div>
        <input
          type="search"
          placeholder="Search messages"
          aria-label="Search messages"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <label>
          <input
            type="checkbox"
            checked={controlFrames}
            onChange={(e) => setControlFrames(e.currentTarget.checked)}
          />{' '}
          ping, pong, close
        </label>
        <span className="muted">
          {shown.length} of {frames.length}
        </span>
      </div>
      {error && <p role="alert">Could not load the messages: {error}</p>}
      {frames.length === 0 && !error && <p className="muted">No frames yet.</p>}
      {frames.length > 0 && (
        <table className="protocol-list" aria-label="WebSocket messages">
          <thead>
            <tr>
              <th />
              <th>Time</th>
              <th>Type</th>
              <th>Size</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ frame, index }) => (
              <tr key={index} className={`ws-${frame.direction}`}>
                <td title={frame.direction === 'send' ? 'sent by the client' : 'received from the server'}>
                  {frame.direction === 'send' ? '↑' : '↓'}
                </td>
                <td className="num">{timeOf(frame.timeMs, firstMs)}</td>
                <td>
                  {OPCODES[frame.opcode] ?? `opcode ${frame.opcode}`}
                  {frame.fin === false ? ' (fragment)' : ''}
                  {frame.compressed ? ' (deflate)' : ''}
                </td>
                <td className="num">{formatBytes(frame.sizeBytes)}</td>
                <td className="wrap">
                  {preview(frame)}
                  {frame.truncated ? ' …' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {notRecorded > 0 && (
        <p className="muted">
          {notRecorded} later frames were counted, not kept (NetLens keeps the first 1000 of a WebSocket).
        </p>
      )}
    </div>
  );
}
