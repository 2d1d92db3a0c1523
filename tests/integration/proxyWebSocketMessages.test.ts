/**
 * WebSocket messages through the proxy: a chat with text and binary frames (ws on both sides),
 * every frame recorded with its direction, time, opcode, size and first bytes, and exported in
 * HAR as Chrome writes `_webSocketMessages`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';
import { connectTunnel, httpOrigin, startProxy, type TestProxy } from './proxyHarness.js';

describe('WebSocket messages', () => {
  let proxy: TestProxy;
  let origin: Awaited<ReturnType<typeof httpOrigin>>;
  let server: WebSocketServer;

  beforeAll(async () => {
    proxy = await startProxy();
    origin = await httpOrigin((_req, res) => res.end());
    server = new WebSocketServer({ server: origin.server });
    server.on('connection', (socket) =>
      socket.on('message', (data, isBinary) => {
        if (isBinary) socket.send(Buffer.concat([Buffer.from([0xff]), data as Buffer]));
        else socket.send(`echo:${String(data)}`);
      }),
    );
  });

  afterAll(async () => {
    server.close();
    await origin.close();
    await proxy.close();
  });

  it('records every frame of a text and binary chat, and exports them as _webSocketMessages', async () => {
    const { socket } = await connectTunnel(proxy, `localhost:${origin.port}`);
    const client = new WebSocket(`ws://localhost:${origin.port}/chat`, {
      createConnection: () => socket,
      perMessageDeflate: false,
    } as never);
    const replies: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('open', () => {
        client.send('hello');
        client.send(Buffer.from([1, 2, 3]));
      });
      client.on('message', (data, isBinary) => {
        replies.push(isBinary ? (data as Buffer).toString('hex') : String(data));
        if (replies.length === 2) client.close(1000, 'bye');
      });
      client.on('close', () => resolve());
    });
    expect(replies).toEqual(['echo:hello', 'ff010203']);
    const exchange = await proxy.finished(
      (e) => e.kind === 'websocket' && e.request.url === `http://localhost:${origin.port}/chat`,
    );
    const frames = exchange.websocket?.frames ?? [];
    const data = frames.filter((f) => f.opcode === 1 || f.opcode === 2);
    // In order within each direction (the two directions interleave as the network has it).
    const side = (direction: string) =>
      data.filter((f) => f.direction === direction).map((f) => [f.opcode, f.sizeBytes, f.data]);
    expect(side('send')).toEqual([
      [1, 5, 'hello'],
      [2, 3, Buffer.from([1, 2, 3]).toString('base64')],
    ]);
    expect(side('receive')).toEqual([
      [1, 10, 'echo:hello'],
      [2, 4, Buffer.from([0xff, 1, 2, 3]).toString('base64')],
    ]);
    // The close handshake: the client's close frame (1000 "bye") and the server's answer.
    const closes = frames.filter((f) => f.opcode === 8);
    expect(closes.map((f) => f.direction)).toEqual(['send', 'receive']);
    expect(Buffer.from(closes[0]!.data, 'base64').subarray(2).toString()).toBe('bye');
    for (const frame of frames) {
      expect(frame.timeMs).toBeGreaterThanOrEqual(exchange.startedAtMs);
      expect(frame.timeMs).toBeLessThanOrEqual(exchange.websocket!.closedAtMs!);
    }
    expect(exchange.websocket?.messagesFromClient).toBe(2);

    const har = await proxy.engine.exportHar({ ids: [exchange.id] });
    expect(harSchemaErrors(har)).toEqual([]);
    const entry = har.log.entries[0]!;
    expect(entry._resourceType).toBe('websocket');
    expect(entry._webSocketMessages?.map((m) => [m.type, m.opcode, m.data])).toEqual(
      data.map((f) => [f.direction, f.opcode, f.data]),
    );
    expect(entry._webSocketMessages?.find((m) => m.type === 'receive' && m.opcode === 2)?.data).toBe(
      '/wECAw==',
    );
    expect(entry._webSocketMessages![0]!.time).toBeCloseTo(data[0]!.timeMs / 1000, 3);
    expect(entry._netlens?.websocket?.frames).toHaveLength(frames.length);
  });

  it('an open WebSocket: its frames go out as websocket:frames events as they pass, and the log so far is there to fetch', async () => {
    const { socket } = await connectTunnel(proxy, `localhost:${origin.port}`);
    const client = new WebSocket(`ws://localhost:${origin.port}/live`, {
      createConnection: () => socket,
      perMessageDeflate: false,
    } as never);
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('open', () => resolve());
    });
    const reply = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    client.send('live one');
    expect(await reply).toBe('echo:live one');
    type FramesEvent = Extract<(typeof proxy.events)[number], { type: 'websocket:frames' }>;
    const started = proxy.events.find(
      (e) =>
        e.type === 'exchange:started' && e.exchange.request.url === `http://localhost:${origin.port}/live`,
    );
    const id = (started as { exchange: { id: string } }).exchange.id;
    const liveEvents = () =>
      proxy.events.filter((e): e is FramesEvent => e.type === 'websocket:frames' && e.id === id);
    // The feed sends within its interval: a bounded wait on the real events.
    const deadline = Date.now() + 5000;
    while (liveEvents().flatMap((e) => e.frames).length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const events = liveEvents();
    const open = proxy.engine.exchanges.get(id)!;
    expect(open.state).toBe('pending');
    expect(open.request.url).toBe(`http://localhost:${origin.port}/live`);
    // Each frame once, in log order: the events' start indexes follow on.
    let next = 0;
    for (const event of events) {
      expect(event.startIndex).toBe(next);
      next += event.frames.length;
    }
    const streamed = events.flatMap((e) => e.frames);
    expect(streamed.map((f) => [f.direction, f.data])).toEqual([
      ['send', 'live one'],
      ['receive', 'echo:live one'],
    ]);
    const snapshot = proxy.engine.webSocketFrames(id)!;
    expect(snapshot.open).toBe(true);
    expect(snapshot.frames).toEqual(streamed);

    await new Promise<void>((resolve) => {
      client.on('close', () => resolve());
      client.close(1000);
    });
    const closed = await proxy.finished((e) => e.id === id);
    const all = proxy.events
      .filter((e): e is FramesEvent => e.type === 'websocket:frames' && e.id === id)
      .flatMap((e) => e.frames);
    expect(all).toEqual(closed.websocket!.frames);
    expect(proxy.engine.webSocketFrames(id)).toMatchObject({ open: false, frames: closed.websocket!.frames });
  });
});
