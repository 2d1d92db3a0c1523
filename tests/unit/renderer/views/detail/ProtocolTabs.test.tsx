// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@shared/api';
import type { GrpcMessagesView } from '@shared/grpcMessages';
import type { WebSocketFrame } from '@shared/model';
import { makeExchange } from '@fixtures/exchangeFactory';

const answers = new Map<string, unknown>();
const calls: { channel: string; args: unknown[] }[] = [];
let eventListener: ((events: EngineEvent[]) => void) | undefined;
vi.mock('@renderer/api', () => ({
  call: vi.fn(async (channel: string, ...args: unknown[]) => {
    calls.push({ channel, args });
    if (!answers.has(channel)) throw new Error(`unexpected ${channel}`);
    const answer = answers.get(channel);
    return typeof answer === 'function' ? (answer as (...a: unknown[]) => unknown)(...args) : answer;
  }),
  onEvents: (listener: (events: EngineEvent[]) => void) => {
    eventListener = listener;
    return () => (eventListener = undefined);
  },
}));

const { GrpcTab } = await import('@renderer/views/detail/GrpcTab');
const { StreamsTab } = await import('@renderer/views/detail/StreamsTab');
const { WebSocketMessagesTab, mergeFrames } = await import('@renderer/views/detail/WebSocketMessagesTab');
const { useStore } = await import('@renderer/store');

afterEach(() => {
  cleanup();
  answers.clear();
  calls.length = 0;
});

describe('GrpcTab', () => {
  const exchange = makeExchange({
    method: 'POST',
    url: 'https://127.0.0.1:9/netlens.test.Echo/Say',
    grpc: {
      service: 'netlens.test.Echo',
      method: 'Say',
      status: 14,
      statusName: 'UNAVAILABLE',
      message: 'down',
    },
  });
  const view: GrpcMessagesView = {
    method: 'netlens.test.Echo/Say',
    schemaMethod: false,
    request: {
      notShown: 0,
      messages: [
        {
          index: 0,
          lengthBytes: 9,
          compressed: false,
          decoded: {
            fields: [
              { number: 1, wireType: 'len', kind: 'string', text: '<b>hi</b>' },
              {
                number: 2,
                wireType: 'len',
                kind: 'message',
                text: '',
                fields: [
                  { number: 1, wireType: 'varint', kind: 'varint', text: '150', alternatives: ['sint 75'] },
                ],
              },
            ],
          },
        },
      ],
    },
    response: {
      notShown: 0,
      messages: [{ index: 0, lengthBytes: 20, compressed: true, error: 'Could not decompress: bad gzip.' }],
    },
  };

  it('lists the messages each way with their decoded tree, status and failures', async () => {
    answers.set('grpc:protos', { files: [] });
    answers.set('grpc:messages', view);
    render(<GrpcTab exchange={exchange} />);
    const request = await screen.findByRole('region', { name: 'request message 1' });
    // Untrusted text stays text.
    expect(within(request).getByText('"<b>hi</b>"')).toBeTruthy();
    expect(request.querySelector('b')).toBeNull();
    expect(within(request).getByText('150')).toBeTruthy();
    expect(within(request).getByText('sint 75')).toBeTruthy();
    const response = screen.getByRole('region', { name: 'response message 1' });
    expect(within(response).getByRole('alert').textContent).toBe('Could not decompress: bad gzip.');
    expect(screen.getByRole('table', { name: 'gRPC call' }).textContent).toContain('14 UNAVAILABLE');
    expect(screen.getByText(/No loaded \.proto has netlens\.test\.Echo\/Say/)).toBeTruthy();
    fireEvent.click(within(request).getByRole('button', { name: 'Text' }));
    expect(request.querySelector('pre')!.textContent).toBe('1: "<b>hi</b>"\n2 {\n  1: 150\n}\n');
  });

  it('loads a .proto the user picks, then decodes again', async () => {
    answers.set('grpc:protos', { files: [] });
    answers.set('grpc:messages', view);
    answers.set('grpc:loadProto', (fileName: unknown) => ({
      files: [
        { fileName, messages: 3, services: 1, methods: ['netlens.test.Echo/Say'], unresolved: ['x.Y'] },
      ],
    }));
    render(<GrpcTab exchange={exchange} />);
    await screen.findByRole('region', { name: 'request message 1' });
    const file = new File(['syntax = "proto3";'], 'echo.proto', { type: 'text/plain' });
    fireEvent.change(screen.getByLabelText('Load .proto files'), { target: { files: [file] } });
    await screen.findByText('echo.proto');
    expect(calls.find((c) => c.channel === 'grpc:loadProto')!.args).toEqual([
      'echo.proto',
      'syntax = "proto3";',
    ]);
    expect(screen.getByText(/1 unresolved/)).toBeTruthy();
    await waitFor(() => expect(calls.filter((c) => c.channel === 'grpc:messages')).toHaveLength(2));
  });
});

describe('StreamsTab', () => {
  it('lists the streams of the connection, reset codes, and selects one on click', () => {
    const http2 = (stream: number) => ({ clientConnectionId: 'k3', clientStreamId: stream });
    const a = makeExchange({ url: 'https://127.0.0.1:9/a', http2: http2(1) });
    const b = makeExchange({
      url: 'https://127.0.0.1:9/b',
      http2: { ...http2(3), reset: { by: 'client', code: 8, name: 'CANCEL' } },
      response: null,
      state: 'failed',
    });
    const other = makeExchange({
      url: 'https://127.0.0.1:9/c',
      http2: { clientConnectionId: 'k4', clientStreamId: 1 },
    });
    useStore.setState({
      ids: [b.id, a.id, other.id],
      byId: new Map([a, b, other].map((e) => [e.id, e])),
    });
    render(<StreamsTab exchange={a} />);
    const table = screen.getByRole('table', { name: 'Client connection (h2) streams' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => (r as HTMLTableRowElement).cells[0]!.textContent)).toEqual(['1', '3']);
    expect(rows[0]!.getAttribute('aria-current')).toBe('true');
    expect(rows[1]!.textContent).toContain('CANCEL by client');
    expect(table.textContent).not.toContain('/c');
    fireEvent.click(rows[1]!);
    expect(useStore.getState().selectedId).toBe(b.id);
  });

  it('says so for an exchange that was not HTTP/2', () => {
    render(<StreamsTab exchange={makeExchange()} />);
    expect(screen.getByText('This exchange did not travel over HTTP/2.')).toBeTruthy();
  });
});

describe('WebSocketMessagesTab', () => {
  const frame = (direction: 'send' | 'receive', data: string, opcode = 1): WebSocketFrame => ({
    direction,
    timeMs: 1_700_000_000_000,
    opcode,
    sizeBytes: data.length,
    data,
  });

  it('mergeFrames keeps each index once', () => {
    const one = [frame('send', 'a')];
    expect(mergeFrames(one, 0, [frame('send', 'a'), frame('receive', 'b')]).map((f) => f.data)).toEqual([
      'a',
      'b',
    ]);
    expect(mergeFrames(one, 1, [frame('receive', 'b')]).map((f) => f.data)).toEqual(['a', 'b']);
    expect(mergeFrames(one, 0, [frame('send', 'a')])).toBe(one);
    expect(mergeFrames(one, 5, [frame('send', 'z')])).toBe(one);
  });

  it('an open WebSocket: the snapshot, then frames as they come, filtered by direction and text', async () => {
    const exchange = makeExchange({
      kind: 'websocket',
      state: 'pending',
      response: { status: 101 },
      websocket: { messagesFromClient: 1, messagesFromServer: 1, bytesFromClient: 5, bytesFromServer: 5 },
    });
    answers.set('websocket:frames', { frames: [frame('send', 'hello')], open: true });
    render(<WebSocketMessagesTab exchange={exchange} />);
    const table = await screen.findByRole('table', { name: 'WebSocket messages' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    act(() =>
      eventListener!([
        { type: 'websocket:frames', id: 'other', startIndex: 0, frames: [frame('send', 'nope')] },
        {
          type: 'websocket:frames',
          id: exchange.id,
          startIndex: 1,
          frames: [frame('receive', 'world'), frame('receive', '', 9)],
        },
      ]),
    );
    expect(
      within(table)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual([
      expect.stringContaining('Time'),
      expect.stringContaining('hello'),
      expect.stringContaining('world'),
      expect.stringContaining('ping'),
    ]);
    fireEvent.click(screen.getByRole('button', { name: '↓ Received' }));
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    fireEvent.click(screen.getByRole('checkbox'));
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search messages' }), {
      target: { value: 'HELL' },
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain('hello');
    expect(screen.getByText('1 of 3')).toBeTruthy();
  });
});
