/**
 * The exchange lifecycle as scripts: each step feeds one event and states the commands it must
 * produce (as mitmproxy's Playbook tests read `>> event` / `<< command`). No sockets, no clocks.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '@engine/proxy/lifecycleMessages.js';
import { ConnectTimeoutError } from '@engine/proxy/upstreamAgent.js';
import { errorWithCode, freshConnection, lifecycleScript, responseHead } from './lifecycleScript.js';

const chunk = (text: string): Buffer => Buffer.from(text);

describe('exchange lifecycle: a request that goes well', () => {
  it('GET on a fresh connection: dns → connect → send → wait → receive → done', () => {
    const run = lifecycleScript();
    const conn = freshConnection('dns');
    expect(run.send({ type: 'start' })).toEqual([{ type: 'openUpstream', attempt: 1 }]);
    expect(run.lifecycle.state).toBe('connecting');
    expect(run.send({ type: 'upstreamSocket', connection: conn, reused: false })).toEqual([]);
    expect(run.lifecycle.phase()).toBe('dns');
    // The connection records its own marks (instrumentSocket); the adapter reports the steps.
    conn.lookupEndMs = performance.now();
    conn.phase = 'connect';
    expect(run.send({ type: 'setupProgress', phase: 'connect' })).toEqual([]);
    expect(run.lifecycle.phase()).toBe('connect');
    conn.connectEndMs = performance.now();
    conn.phase = 'ready';
    // Ready: the response timer runs; a bodiless request has nothing to read from the client.
    expect(run.send({ type: 'upstreamReady' })).toEqual([]);
    expect(run.lifecycle.state).toBe('sending');
    expect(run.timer('response')?.state).toBe('running');
    expect(run.send({ type: 'requestSent' })).toEqual([]);
    expect(run.lifecycle.state).toBe('waiting');
    // Hop-by-hop fields stay on their hop.
    expect(run.send(responseHead(200))).toEqual([
      { type: 'sendResponseHead', status: 200, statusText: 'OK', rawHeaders: ['Content-Type', 'text/plain'] },
    ]);
    expect(run.timer('response')?.state).toBe('stopped');
    expect(run.timer('responseBody')?.state).toBe('running');
    expect(run.send({ type: 'responseChunk', chunk: chunk('hello') })).toEqual([
      { type: 'forwardResponseChunk', chunk: chunk('hello') },
    ]);
    expect(run.send({ type: 'responseEnd', rawTrailers: [] })).toEqual([
      { type: 'endResponse', rawTrailers: [], discardUpstream: false },
    ]);
    expect(run.lifecycle.state).toBe('done');
    expect(run.timer('responseBody')?.state).toBe('stopped');

    const exchange = run.finished()!;
    expect(exchange.state).toBe('complete');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.body.sizeBytes).toBe(5);
    for (const phase of ['dns', 'connect', 'send', 'wait', 'receive'] as const) {
      expect(exchange.timings[phase]).toBeGreaterThanOrEqual(0);
    }
  });

  it('a request written while the connection was being set up is sent when it is ready', () => {
    const run = lifecycleScript();
    const conn = freshConnection('connect');
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: conn, reused: false });
    // The socket holds the head until it connects: not sent yet, still connecting.
    expect(run.send({ type: 'requestSent' })).toEqual([]);
    expect(run.lifecycle.state).toBe('connecting');
    expect(run.lifecycle.phase()).toBe('connect');
    conn.connectEndMs = performance.now();
    run.send({ type: 'upstreamReady' });
    expect(run.lifecycle.state).toBe('waiting');
    run.send(responseHead());
    run.send({ type: 'responseEnd', rawTrailers: [] });
    const timings = run.finished()!.timings;
    // Sent as it connected: send is the few instructions between the two.
    expect(timings.send).toBeLessThan(1);
    expect(timings.wait).toBeGreaterThanOrEqual(0);
  });

  it('an answer before the request was fully sent ends send where the response begins', () => {
    const run = lifecycleScript({ withBody: true, expectsContinue: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send(responseHead(417));
    run.send({ type: 'responseEnd', rawTrailers: [] });
    const timings = run.finished()!.timings;
    // Every phase up to receive is there: the record does not stop at an unfinished send.
    expect(timings.send).toBeGreaterThanOrEqual(0);
    expect(timings.wait).toBeLessThan(1);
    expect(timings.receive).toBeGreaterThanOrEqual(0);
  });

  it('POST: the body is held until the connection is ready, then streamed with backpressure', () => {
    const run = lifecycleScript({ withBody: true });
    expect(run.send({ type: 'start' })).toEqual([{ type: 'openUpstream', attempt: 1 }]);
    expect(run.send({ type: 'upstreamSocket', connection: freshConnection('ready'), reused: false })).toEqual(
      [{ type: 'readRequestBody' }],
    );
    expect(run.timer('requestBody')?.state).toBe('running');
    expect(run.send({ type: 'requestChunk', chunk: chunk('abc') })).toEqual([
      { type: 'forwardRequestChunk', chunk: chunk('abc') },
    ]);
    // The server's side is full: stop reading the client, and its silence is ours, not its own.
    expect(run.send({ type: 'upstreamBlocked' })).toEqual([{ type: 'pauseRequestBody' }]);
    expect(run.timer('requestBody')?.state).toBe('paused');
    expect(run.send({ type: 'upstreamDrained' })).toEqual([{ type: 'readRequestBody' }]);
    expect(run.timer('requestBody')?.state).toBe('running');
    expect(run.send({ type: 'requestEnd' })).toEqual([{ type: 'endUpstreamRequest' }]);
    expect(run.timer('requestBody')?.state).toBe('stopped');
    run.send({ type: 'requestSent' });
    run.send(responseHead(201));
    run.send({ type: 'responseEnd', rawTrailers: [] });
    const exchange = run.finished()!;
    expect(exchange.state).toBe('complete');
    expect(exchange.request.body.sizeBytes).toBe(3);
  });

  it('relays 100 Continue only to a client that asked, and only before the final head', () => {
    const run = lifecycleScript({ withBody: true, expectsContinue: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    expect(run.send({ type: 'upstreamContinue' })).toEqual([{ type: 'sendContinue' }]);
    run.send(responseHead(417));
    expect(run.send({ type: 'upstreamContinue' })).toEqual([]);

    const plain = lifecycleScript({ withBody: true });
    plain.send({ type: 'start' });
    plain.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    expect(plain.send({ type: 'upstreamContinue' })).toEqual([]);
  });

  it('an early final answer (before the request was sent) ends the response and discards the connection', () => {
    const run = lifecycleScript({ withBody: true, expectsContinue: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send(responseHead(417));
    expect(run.send({ type: 'responseEnd', rawTrailers: [] })).toEqual([
      { type: 'endResponse', rawTrailers: [], discardUpstream: true },
    ]);
  });

  it('a client that stops reading pauses the response; reading again resumes it', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send({ type: 'requestSent' });
    run.send(responseHead());
    expect(run.send({ type: 'clientBlocked' })).toEqual([{ type: 'pauseResponseBody' }]);
    expect(run.timer('responseBody')?.state).toBe('paused');
    expect(run.timer('clientStall')?.state).toBe('running');
    expect(run.send({ type: 'clientDrained' })).toEqual([{ type: 'resumeResponseBody' }]);
    expect(run.timer('clientStall')?.state).toBe('paused');
    expect(run.timer('responseBody')?.state).toBe('running');
  });
});

describe('exchange lifecycle: the failing phase is the state it failed in', () => {
  const failureOf = (commands: ReturnType<ReturnType<typeof lifecycleScript>['send']>) =>
    commands.find((c) => c.type === 'mirrorFailure');

  it('a name that does not resolve fails in dns, answered 502', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: freshConnection('dns'), reused: false });
    const commands = run.send({
      type: 'upstreamError',
      error: errorWithCode('ENOTFOUND', 'getaddrinfo ENOTFOUND'),
    });
    expect(commands.map((c) => c.type)).toEqual(['abortUpstream', 'mirrorFailure']);
    const mirror = failureOf(commands);
    expect(mirror).toMatchObject({
      error: { class: 'dns_not_found', phase: 'dns' },
      answer: { kind: 'respond', status: 502, statusText: 'Bad Gateway' },
      keepAlive: true,
    });
    expect(run.lifecycle.state).toBe('failed');
    expect(run.finished()?.error).toMatchObject({ class: 'dns_not_found', phase: 'dns' });
  });

  it('a refused connection fails in connect, mirrored as a reset', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: freshConnection('connect'), reused: false });
    expect(
      failureOf(run.send({ type: 'upstreamError', error: errorWithCode('ECONNREFUSED') })),
    ).toMatchObject({
      error: { class: 'connect_refused', phase: 'connect' },
      answer: { kind: 'reset' },
    });
  });

  it('a set-up timeout takes its class from the connection and its phase from the state', () => {
    const run = lifecycleScript();
    const conn = freshConnection('dns');
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: conn, reused: false });
    run.send({ type: 'setupProgress', phase: 'connect' });
    run.send({ type: 'setupProgress', phase: 'tls' });
    conn.failure = { errorClass: 'tls_handshake_failed', phase: 'tls', timeoutMs: 3000 };
    expect(
      failureOf(run.send({ type: 'upstreamError', error: new ConnectTimeoutError('tls', 3000) })),
    ).toMatchObject({ error: { class: 'tls_handshake_failed', phase: 'tls', detail: 'timeout' } });
  });

  it('a response timeout is in send before the request was flushed, in wait after', () => {
    const sending = lifecycleScript();
    sending.send({ type: 'start' });
    sending.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    expect(failureOf(sending.fire('response'))).toMatchObject({
      error: { class: 'response_timeout', phase: 'send' },
      answer: { kind: 'respond', status: 504, statusText: 'Gateway Timeout' },
    });

    const waiting = lifecycleScript();
    waiting.send({ type: 'start' });
    waiting.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    waiting.send({ type: 'requestSent' });
    expect(failureOf(waiting.fire('response'))).toMatchObject({
      error: { class: 'response_timeout', phase: 'wait', message: expect.stringContaining('60.0 s') },
    });
  });

  it('a response cut after its head: a FIN is incomplete_response, a RST connection_reset, both cut the body', () => {
    const closed = lifecycleScript();
    closed.send({ type: 'start' });
    closed.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    closed.send(responseHead());
    closed.send({ type: 'responseChunk', chunk: chunk('short') });
    expect(
      failureOf(closed.send({ type: 'responseBroken', sawReset: false, sawEnd: true, declaredBytes: '100' })),
    ).toMatchObject({
      error: { class: 'incomplete_response', phase: 'receive', detail: 'received 5 body bytes of 100' },
      answer: { kind: 'close' },
    });

    const reset = lifecycleScript();
    reset.send({ type: 'start' });
    reset.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    reset.send(responseHead());
    expect(failureOf(reset.send({ type: 'responseBroken', sawReset: true, sawEnd: false }))).toMatchObject({
      error: { class: 'connection_reset', phase: 'receive' },
      answer: { kind: 'reset' },
    });
  });

  it('a stalled response body is body_timeout in receive', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send(responseHead());
    expect(failureOf(run.fire('responseBody'))).toMatchObject({
      error: { class: 'body_timeout', phase: 'receive' },
      answer: { kind: 'close' },
    });
  });

  it('a client stalled mid-request-body is body_timeout in request, and its connection is not kept', () => {
    const run = lifecycleScript({ withBody: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send({ type: 'requestChunk', chunk: chunk('part') });
    expect(failureOf(run.fire('requestBody'))).toMatchObject({
      error: { class: 'body_timeout', phase: 'request', detail: 'client stalled mid-request-body' },
      keepAlive: false,
    });
  });

  it('a client that goes away: in request while its body is coming, else the phase of the state', () => {
    const midBody = lifecycleScript({ withBody: true });
    midBody.send({ type: 'start' });
    midBody.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    expect(midBody.send({ type: 'clientClosed' })).toEqual([
      { type: 'abortUpstream' },
      { type: 'closeClient' },
    ]);
    expect(midBody.finished()?.error).toMatchObject({ class: 'client_aborted', phase: 'request' });

    const connecting = lifecycleScript();
    connecting.send({ type: 'start' });
    connecting.send({ type: 'upstreamSocket', connection: freshConnection('connect'), reused: false });
    connecting.send({ type: 'clientClosed' });
    expect(connecting.finished()?.error).toMatchObject({ class: 'client_aborted', phase: 'connect' });

    const receiving = lifecycleScript();
    receiving.send({ type: 'start' });
    receiving.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    receiving.send(responseHead());
    receiving.send({ type: 'clientClosed' });
    expect(receiving.finished()?.error).toMatchObject({ class: 'client_aborted', phase: 'receive' });
  });

  it('a client that stops reading for the idle limit is client_aborted in receive', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send(responseHead());
    run.send({ type: 'clientBlocked' });
    expect(run.fire('clientStall')).toEqual([{ type: 'abortUpstream' }, { type: 'closeClient' }]);
    expect(run.finished()?.error).toMatchObject({
      class: 'client_aborted',
      phase: 'receive',
      detail: 'the client stopped reading the response',
    });
  });

  it('a head the client side refuses fails the exchange after the head command, with a 502', () => {
    const run = lifecycleScript();
    run.onCommand = (command) => {
      if (command.type === 'sendResponseHead') {
        run.lifecycle.handle({ type: 'clientWriteFailed', error: errorWithCode('ERR_INVALID_CHAR') });
      }
    };
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    const commands = run.send(responseHead());
    // The failure reported while the head command ran is handled after it, not inside it.
    expect(commands.map((c) => c.type)).toEqual(['sendResponseHead', 'abortUpstream', 'mirrorFailure']);
    expect(run.lifecycle.state).toBe('failed');
    expect(run.timer('responseBody')?.state).toBe('stopped');
  });

  it('nothing happens after the end: late socket events produce no command', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: freshConnection('ready'), reused: false });
    run.send({ type: 'upstreamError', error: errorWithCode('ECONNRESET') });
    expect(run.send(responseHead())).toEqual([]);
    expect(run.send({ type: 'responseChunk', chunk: chunk('late') })).toEqual([]);
    expect(run.send({ type: 'clientClosed' })).toEqual([]);
    expect(run.fire('response')).toEqual([]);
  });
});

describe('exchange lifecycle: the client side', () => {
  it('a malformed request body fails the exchange it belongs to: protocol_error in request, 400, connection not kept', () => {
    const run = lifecycleScript({ withBody: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    expect(run.lifecycle.ownsClientError()).toBe(true);
    const error = Object.assign(new Error('Parse Error: Invalid character in chunk size'), {
      code: 'HPE_INVALID_CHUNK_SIZE',
      reason: 'Invalid character in chunk size',
    });
    const commands = run.send({ type: 'clientError', error });
    expect(commands.map((c) => c.type)).toEqual(['abortUpstream', 'mirrorFailure']);
    expect(commands[1]).toMatchObject({
      error: { class: 'protocol_error', phase: 'request', code: 'HPE_INVALID_CHUNK_SIZE' },
      answer: { kind: 'respond', status: 400, statusText: 'Bad Request' },
      keepAlive: false,
    });
    expect(run.lifecycle.ownsClientError()).toBe(false);
  });

  it('a client that hangs up mid-body is client_aborted, not a protocol error', () => {
    const run = lifecycleScript({ withBody: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    const commands = run.send({ type: 'clientError', error: errorWithCode('HPE_INVALID_EOF_STATE') });
    expect(commands).toEqual([{ type: 'abortUpstream' }, { type: 'closeClient' }]);
    expect(run.finished()?.error).toMatchObject({ class: 'client_aborted', phase: 'request' });
  });

  it('a parser error after the request was read belongs to the next request, not this one', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    expect(run.lifecycle.ownsClientError()).toBe(false);
  });

  it('a FIN before the response is a half-close (the exchange goes on); during the body, an abort', () => {
    const halfClosed = lifecycleScript();
    halfClosed.send({ type: 'start' });
    halfClosed.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    halfClosed.send({ type: 'requestSent' });
    expect(halfClosed.send({ type: 'clientEnded' })).toEqual([]);
    halfClosed.send(responseHead());
    halfClosed.send({ type: 'responseEnd', rawTrailers: [] });
    expect(halfClosed.finished()?.state).toBe('complete');

    const gone = lifecycleScript();
    gone.send({ type: 'start' });
    gone.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    gone.send(responseHead());
    expect(gone.send({ type: 'clientEnded' })).toEqual([{ type: 'abortUpstream' }, { type: 'closeClient' }]);
    expect(gone.finished()?.error).toMatchObject({ class: 'client_aborted', phase: 'receive' });
  });
});

describe('exchange lifecycle: stale pooled connections', () => {
  it('a bodiless request on a pooled connection the server had closed is retried on a fresh one', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: freshConnection('ready'), reused: true });
    run.send({ type: 'requestSent' });
    expect(run.send({ type: 'upstreamError', error: errorWithCode('ECONNRESET') })).toEqual([
      { type: 'openUpstream', attempt: 2 },
    ]);
    expect(run.lifecycle.state).toBe('connecting');
    run.send({ type: 'upstreamSocket', connection: freshConnection('ready'), reused: false });
    run.send({ type: 'requestSent' });
    run.send(responseHead());
    run.send({ type: 'responseEnd', rawTrailers: [] });
    const exchange = run.finished()!;
    expect(exchange.state).toBe('complete');
    expect(exchange.connection.reused).toBe(false);
  });

  it('gives up after two retries, as the failure it is', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    for (const attempt of [2, 3]) {
      run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
      expect(run.send({ type: 'upstreamError', error: new Error('socket hang up') })).toEqual([
        { type: 'openUpstream', attempt },
      ]);
    }
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    run.send({ type: 'requestSent' });
    const commands = run.send({ type: 'upstreamError', error: errorWithCode('ECONNRESET') });
    expect(commands.find((c) => c.type === 'mirrorFailure')).toMatchObject({
      error: { class: 'connection_reset', phase: 'wait' },
      answer: { kind: 'reset' },
    });
  });

  it('never retries a request with a body (the server may have read some of it)', () => {
    const run = lifecycleScript({ withBody: true });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: true });
    const commands = run.send({ type: 'upstreamError', error: errorWithCode('ECONNRESET') });
    expect(commands.map((c) => c.type)).toEqual(['abortUpstream', 'mirrorFailure']);
  });

  it('never retries on a fresh connection', () => {
    const run = lifecycleScript();
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: freshConnection('ready'), reused: false });
    expect(
      run.send({ type: 'upstreamError', error: errorWithCode('ECONNRESET') }).map((c) => c.type),
    ).toEqual(['abortUpstream', 'mirrorFailure']);
  });
});

describe('exchange lifecycle: WebSocket upgrades', () => {
  const upgraded: LifecycleEvent = {
    type: 'upgraded',
    status: 101,
    statusText: 'Switching Protocols',
    httpVersion: '1.1',
    rawHeaders: ['Upgrade', 'websocket', 'Connection', 'Upgrade'],
  };

  it('an accepted upgrade is piped until both sides close, then complete', () => {
    const run = lifecycleScript({ kind: 'websocket' });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: freshConnection('ready'), reused: false });
    run.send({ type: 'requestSent' });
    expect(run.send(upgraded)).toEqual([
      {
        type: 'acceptUpgrade',
        status: 101,
        statusText: 'Switching Protocols',
        rawHeaders: ['Upgrade', 'websocket', 'Connection', 'Upgrade'],
      },
    ]);
    // Either side closing is the normal end of the piping, not an abort.
    expect(run.send({ type: 'clientClosed' })).toEqual([]);
    expect(run.send({ type: 'upgradeClosed' })).toEqual([]);
    expect(run.finished()?.state).toBe('complete');
    expect(run.finished()?.response?.status).toBe(101);
  });

  it('a reset from the server after the upgrade is connection_reset, mirrored as a reset', () => {
    const run = lifecycleScript({ kind: 'websocket' });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: false });
    run.send(upgraded);
    const commands = run.send({ type: 'upstreamError', error: errorWithCode('ECONNRESET') });
    expect(commands.find((c) => c.type === 'mirrorFailure')).toMatchObject({
      error: { class: 'connection_reset', phase: 'receive', detail: 'reset after the upgrade' },
      answer: { kind: 'reset' },
    });
  });

  it('another error after the upgrade closes the client and lets the piping end', () => {
    const run = lifecycleScript({ kind: 'websocket' });
    run.send({ type: 'start' });
    run.send({ type: 'upstreamSocket', connection: undefined, reused: false });
    run.send(upgraded);
    expect(run.send({ type: 'upstreamError', error: errorWithCode('EPIPE') })).toEqual([
      { type: 'closeClient' },
    ]);
    run.send({ type: 'upgradeClosed' });
    expect(run.finished()?.state).toBe('complete');
  });
});
