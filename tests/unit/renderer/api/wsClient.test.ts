import { describe, expect, it } from 'vitest';
import { createWsClient, type SocketLike } from '@renderer/api/wsClient';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason });
  }
  reply(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  lastRequest(): { id: number; channel: string; args: unknown[] } {
    return JSON.parse(this.sent[this.sent.length - 1]!) as { id: number; channel: string; args: unknown[] };
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const client = createWsClient({
    url: 'ws://127.0.0.1:1/api?token=t',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => undefined,
  });
  const runTimers = () => {
    const due = timers.splice(0);
    for (const timer of due) timer.fn();
    return due.map((t) => t.ms);
  };
  return { client, sockets, timers, runTimers };
}

describe('createWsClient', () => {
  it('queues calls made while connecting and resolves them from replies', async () => {
    const { client, sockets } = setup();
    const pending = client.invoke('app:info');
    expect(sockets[0]!.sent).toHaveLength(0);
    sockets[0]!.open();
    const request = sockets[0]!.lastRequest();
    expect(request).toMatchObject({ channel: 'app:info', args: [] });
    sockets[0]!.reply({ type: 'result', id: request.id, result: { ok: true, value: { mode: 'web' } } });
    expect(await pending).toEqual({ ok: true, value: { mode: 'web' } });
  });

  it('delivers event batches to every listener, and stops after unsubscribe', () => {
    const { client, sockets } = setup();
    sockets[0]!.open();
    const seen: unknown[][] = [];
    const off = client.onEvents((events) => seen.push(events));
    sockets[0]!.reply({ type: 'events', events: [{ type: 'exchanges:cleared' }] });
    off();
    sockets[0]!.reply({ type: 'events', events: [{ type: 'exchanges:cleared' }] });
    expect(seen).toEqual([[{ type: 'exchanges:cleared' }]]);
  });

  it('fails in-flight calls when the socket drops, then reconnects with growing backoff', async () => {
    const { client, sockets, runTimers } = setup();
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    sockets[0]!.open();
    const pending = client.invoke('exchanges:list');
    sockets[0]!.drop('server restarting');
    expect(await pending).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(await client.invoke('app:info')).toMatchObject({ ok: false, error: { code: 'disconnected' } });

    const first = runTimers();
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    const second = runTimers();
    sockets[2]!.drop();
    const third = runTimers();
    // 250 ms doubling, ±25 % jitter.
    expect(first[0]).toBeGreaterThanOrEqual(187);
    expect(first[0]).toBeLessThanOrEqual(313);
    expect(second[0]).toBeGreaterThanOrEqual(375);
    expect(third[0]).toBeGreaterThanOrEqual(750);
    sockets[3]!.open();
    expect(client.state).toBe('open');
    expect(states).toEqual([
      'open',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'open',
    ]);
  });

  it('ignores malformed messages and answers a malformed result as bad_reply', async () => {
    const { client, sockets } = setup();
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: 'not json' });
    sockets[0]!.onmessage?.({ data: new ArrayBuffer(2) });
    const pending = client.invoke('app:info');
    sockets[0]!.reply({ type: 'result', id: sockets[0]!.lastRequest().id, result: { nope: true } });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'bad_reply' } });
  });

  it('close() fails what is pending and stops reconnecting', async () => {
    const { client, sockets, timers } = setup();
    const pending = client.invoke('app:info');
    client.close();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(timers).toHaveLength(0);
    expect(client.state).toBe('closed');
    expect(sockets).toHaveLength(1);
  });
});
