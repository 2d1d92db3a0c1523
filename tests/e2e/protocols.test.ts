/**
 * The detail pane's protocol panels end to end, in web mode with Chromium, over real traffic
 * through the real proxy: gRPC calls of @grpc/grpc-js (h2c with prior knowledge on the proxy
 * port, so they are streams of one HTTP/2 connection) shown decoded in the gRPC tab, raw and
 * then named by a .proto loaded from the page; the Streams tab listing that connection's
 * streams; and an open WebSocket whose messages appear in the Messages tab as they pass.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ECHO_PROTO } from '@fixtures/echoProto.js';
import { echoClientThrough, say, startEchoServer, type EchoServer } from '@fixtures/echoService.js';
import { useE2e, WAIT_MS } from './fixture.js';

const e2e = useE2e({ openUi: false });
let grpcServer: EchoServer;
let reflectingServer: EchoServer | undefined;
let wsOrigin: http.Server;
let wsServer: WebSocketServer;
let client: WebSocket | undefined;

function proxyPort(): number {
  return Number(new URL(e2e.app.proxyUrl).port);
}

/** A WebSocket through NetLens: a CONNECT tunnel to the origin, the handshake inside it. */
async function openWebSocket(port: number): Promise<WebSocket> {
  const socket = net.connect(proxyPort(), '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    socket.once('data', (chunk: Buffer) =>
      chunk.toString().startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(chunk.toString())),
    );
  });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`, {
    createConnection: () => socket,
    perMessageDeflate: false,
  } as never);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

beforeAll(async () => {
  grpcServer = await startEchoServer();
  const echo = echoClientThrough(proxyPort(), grpcServer.port);
  await say(echo, { text: 'hello', count: 3, inner: { label: 'in', delta: -1 }, mood: 'GRUMPY' });
  await say(echo, { text: 'again' });
  await say(echo, { text: 'third' });
  echo.close();

  wsOrigin = http.createServer((_req, res) => res.end());
  wsServer = new WebSocketServer({ server: wsOrigin });
  wsServer.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
  await new Promise<void>((resolve) => wsOrigin.listen(0, '127.0.0.1', resolve));
  await e2e.page.goto(e2e.app.uiUrl);
  await e2e.waitForRows(3);
});

afterAll(async () => {
  client?.terminate();
  wsServer?.close();
  await new Promise((resolve) => wsOrigin?.close(resolve));
  grpcServer?.close();
  reflectingServer?.close();
});

describe('protocol panels', () => {
  it('the gRPC tab decodes the messages, and names the fields once a .proto is loaded', async () => {
    await e2e.rows().first().click();
    const detail = e2e.detail();
    await detail.getByRole('tab', { name: 'gRPC' }).click();
    const request = detail.getByRole('region', { name: 'request message 1' });
    await request.waitFor({ timeout: WAIT_MS });
    expect(await request.innerText()).toContain('"hello"');
    await detail.getByText(/No loaded \.proto has netlens\.test\.Echo\/Say/).waitFor({ timeout: WAIT_MS });
    await detail
      .getByText(/No names from server reflection at 127\.0\.0\.1:\d+: no reflection service/)
      .waitFor({ timeout: WAIT_MS });
    await e2e.screenshot('grpc-raw');
    await detail.getByLabel('Load .proto files').setInputFiles({
      name: 'echo.proto',
      mimeType: 'text/plain',
      buffer: Buffer.from(ECHO_PROTO),
    });
    await request.getByText('GRUMPY').waitFor({ timeout: WAIT_MS });
    const text = await request.innerText();
    expect(text).toMatch(/1\s*text\s*string:\s*"hello"/);
    expect(text).toMatch(/delta\s*sint32:\s*-1/);
    await e2e.screenshot('grpc-named');
    const response = detail.getByRole('region', { name: 'response message 1' });
    expect(await response.innerText()).toContain('"you said hello"');
  });

  it('the Streams tab lists the streams of the HTTP/2 connection and selects one', async () => {
    const detail = e2e.detail();
    await detail.getByRole('tab', { name: 'Streams' }).click();
    const table = detail.getByRole('table', { name: 'Client connection (h2c) streams' });
    await table.waitFor({ timeout: WAIT_MS });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.locator('td:first-child').allInnerTexts()).toEqual(['1', '3', '5']);
    await e2e.screenshot('h2-streams');
    await rows.nth(2).click();
    await table
      .locator('tbody tr[aria-current="true"] td:first-child', { hasText: '5' })
      .waitFor({ timeout: WAIT_MS });
  });

  it('the Messages tab of an open WebSocket shows frames as they pass, filtered', async () => {
    const port = (wsOrigin.address() as net.AddressInfo).port;
    client = await openWebSocket(port);
    client.send('first message');
    await e2e.waitForRows(4);
    await e2e.rows().nth(3).click();
    const detail = e2e.detail();
    await detail.getByRole('tab', { name: 'Messages' }).click();
    const table = detail.getByRole('table', { name: 'WebSocket messages' });
    await table.getByText('echo:first message').waitFor({ timeout: WAIT_MS });
    client.send('second message');
    await table.getByText('echo:second message').waitFor({ timeout: WAIT_MS });
    await detail.getByRole('searchbox', { name: 'Search messages' }).fill('second');
    await detail.getByText('2 of 4').waitFor({ timeout: WAIT_MS });
    await detail.getByRole('searchbox', { name: 'Search messages' }).fill('');
    await e2e.screenshot('ws-live');
    await detail.getByRole('button', { name: '↑ Sent' }).click();
    expect(await table.locator('tbody tr').count()).toBe(2);
    expect(e2e.pageErrors).toEqual([]);
  });

  it('the waterfall groups the streams of one connection, each connection in its lane', async () => {
    await e2e.openView('Waterfall');
    const canvas = e2e.page.getByRole('img', { name: /Waterfall chart of 4 exchanges/ });
    await canvas.waitFor({ timeout: WAIT_MS });
    await e2e.page.getByLabel('Group by connection').check();
    expect(await e2e.page.getByLabel('Group by connection').isChecked()).toBe(true);
    // The order of grouped rows is unit-tested (connectionGroups); here: the view draws them, no page error.
    await e2e.screenshot('waterfall-grouped');
    expect(e2e.pageErrors).toEqual([]);
  });

  it("the gRPC tab names the fields from the server's reflection, and says so", async () => {
    reflectingServer = await startEchoServer({ reflection: true });
    const echo = echoClientThrough(proxyPort(), reflectingServer.port);
    await say(echo, { text: 'reflected', count: 2, mood: 'HAPPY', inner: { label: 'deep', delta: 5 } });
    echo.close();
    await e2e.openView('Traffic');
    await e2e.waitForRows(5);
    await e2e.rows().nth(4).click();
    const detail = e2e.detail();
    await detail.getByRole('tab', { name: 'gRPC' }).click();
    // The .proto loaded earlier names this service too, and a loaded file comes first: removed,
    // the names come from the server.
    await detail.getByText('Field names from echo.proto.').waitFor({ timeout: WAIT_MS });
    await detail.getByRole('button', { name: 'Remove echo.proto' }).click();
    await detail
      .getByText(`Field names from the server's reflection service at 127.0.0.1:${reflectingServer.port}.`)
      .waitFor({ timeout: WAIT_MS });
    const request = detail.getByRole('region', { name: 'request message 1' });
    const text = await request.innerText();
    expect(text).toMatch(/1\s*text\s*string:\s*"reflected"/);
    expect(text).toMatch(/13\s*mood\s*netlens\.test\.Mood:\s*HAPPY/);
    expect(text).toMatch(/delta\s*sint32:\s*5/);
    await e2e.screenshot('grpc-reflection');
    expect(e2e.pageErrors).toEqual([]);
  });
});
