import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, EngineOptions } from '@engine/engine.js';
import type { EngineEvent } from '@shared/api.js';
import type { Exchange } from '@shared/model.js';
import type { GrpcDecodedMessages } from '@shared/grpcMessageJson.js';
import {
  portInUseMessage,
  PRINTED_RETRY_LIMIT,
  runProxy,
  type ProxyCommandDeps,
  type ProxyCommandOptions,
} from '@cli/proxyCommand.js';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  addSharedProxyOptions,
  parsePort,
  parseMaxExchanges,
  parseSystemProxyMode,
  proxyOptionsFromFlags,
  type SharedProxyFlags,
} from '@cli/proxyOptions.js';
import { CliError } from '@cli/cliError.js';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

/** Just enough of an Engine to drive the command: events are pushed by the test. */
class FakeEngine {
  listeners = new Set<(event: EngineEvent) => void>();
  started = false;
  closed = false;
  exportedWith: unknown;
  constructor(
    readonly options: EngineOptions,
    private readonly startError?: Error,
  ) {}
  readonly caCertPath = '/data/ca/netlens-ca.pem';
  /** The session recorded into; undefined as with `session: false`. */
  sessionId: string | undefined = '20261207-120000-abcd';
  readonly sessions = {
    current: () =>
      this.sessionId === undefined
        ? undefined
        : { id: this.sessionId, startedAtMs: 0, exchanges: 0, bytes: 0, live: true, current: true },
  };
  async start(): Promise<void> {
    if (this.startError) throw this.startError;
    this.started = true;
  }
  address() {
    return this.started
      ? { host: this.options.host ?? '127.0.0.1', port: this.options.port || 40123 }
      : undefined;
  }
  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  async writeHar(write: (text: string) => Promise<void>, options: unknown): Promise<number> {
    this.exportedWith = options;
    await write('{"log":{"version":"1.2","creator":{"name":"NetLens","version":"test"},"entries":[\n');
    await write('\n]}}\n');
    return 0;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** `grpc.messagesJson` calls; each answers when the test resolves `grpcAnswer`. */
  grpcCalls: { id: string; options: unknown }[] = [];
  grpcAnswer: (value: GrpcDecodedMessages | undefined) => void = () => {};
  readonly grpc = {
    messagesJson: (id: string, options: unknown) => {
      this.grpcCalls.push({ id, options });
      return new Promise<GrpcDecodedMessages | undefined>((resolve) => (this.grpcAnswer = resolve));
    },
  };
  /** No toxiproxy API and no rules file unless the options ask (the real engine's answers). */
  readonly tcpProxies = {
    list: () => [],
    apiAddress: () => this.options.toxiproxyApi,
  };
  readonly rules = {
    state: () => ({ rules: [], hits: {} }),
  };
  /** `systemProxy.set` calls, in order, with whether the engine was closed by then. */
  systemProxyCalls: { request: unknown; closed: boolean }[] = [];
  systemProxyError?: Error;
  readonly systemProxy = {
    set: async (request: { on: boolean; pac?: boolean }) => {
      this.systemProxyCalls.push({ request, closed: this.closed });
      if (request.on && this.systemProxyError) throw this.systemProxyError;
      return {
        state: {},
        message: request.on
          ? 'System proxy set (GNOME (gsettings)): manual.'
          : 'System proxy restored (GNOME (gsettings)): none (direct).',
        warnings: [],
      };
    },
  };
}

function setup(overrides: Partial<ProxyCommandOptions> = {}, startError?: Error, systemProxyError?: Error) {
  const out: string[] = [];
  const err: string[] = [];
  let signal: (name: string) => void = () => {};
  let engine: FakeEngine | undefined;
  let engineReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (engineReady = resolve));
  const deps: ProxyCommandDeps = {
    async createEngine(options) {
      engine = new FakeEngine(options, startError);
      if (systemProxyError) engine.systemProxyError = systemProxyError;
      const realStart = engine.start.bind(engine);
      engine.start = async () => {
        await realStart();
        // Resolve once runProxy has printed its listening line (it runs right after start()).
        setImmediate(engineReady);
      };
      return engine as unknown as Engine;
    },
    redactExchange: (exchange: Exchange) => ({
      ...exchange,
      request: { ...exchange.request, url: exchange.request.url.replace(/token=[^&]*/, 'token=[redacted]') },
    }),
    findPortOwner: async (port) => ({
      protocol: 'tcp',
      address: '127.0.0.1',
      port,
      pid: 4242,
      command: 'nginx',
    }),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    onShutdownSignal(handler) {
      signal = handler;
      return () => undefined;
    },
  };
  const options: ProxyCommandOptions = {
    dataDir: '/data',
    host: '127.0.0.1',
    port: 0,
    redact: false,
    json: true,
    settings: {},
    ...overrides,
  };
  const run = runProxy(options, deps);
  return {
    run,
    deps,
    out,
    err,
    ready,
    engine: () => engine!,
    signal: (name = 'SIGINT') => signal(name),
  };
}

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('runProxy --system-proxy', () => {
  it('sets the OS proxy once listening and restores it first thing at shutdown', async () => {
    const t = setup({ systemProxy: 'pac' });
    await t.ready;
    expect(t.engine().options.systemProxy).toEqual({ ownerName: 'netlens proxy' });
    t.signal('SIGTERM');
    expect(await t.run).toBe(0);
    expect(t.engine().systemProxyCalls).toEqual([
      { request: { on: true, pac: true }, closed: false },
      { request: { on: false }, closed: false },
    ]);
    expect(t.err).toContain('System proxy set (GNOME (gsettings)): manual. Restored when this proxy stops.');
    expect(t.err).toContain('System proxy restored (GNOME (gsettings)): none (direct).');
    expect(t.engine().closed).toBe(true);
  });

  it('a system proxy that cannot be set stops the command with its one-line reason', async () => {
    const t = setup(
      { systemProxy: 'manual' },
      undefined,
      new Error('No desktop whose proxy setting NetLens can change was found.'),
    );
    const error = await t.run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('No desktop whose proxy setting NetLens can change was found.');
    expect(t.engine().closed).toBe(true);
  });

  it('--system-proxy [manual|pac]', () => {
    const flags = { host: '127.0.0.1', passThrough: [], insecure: [] };
    expect(proxyOptionsFromFlags({ ...flags, systemProxy: true }, 0, '/d').systemProxy).toBe('manual');
    expect(proxyOptionsFromFlags({ ...flags, systemProxy: 'pac' }, 0, '/d').systemProxy).toBe('pac');
    expect(proxyOptionsFromFlags(flags, 0, '/d').systemProxy).toBeUndefined();
    expect(parseSystemProxyMode('pac')).toBe('pac');
    expect(() => parseSystemProxyMode('auto')).toThrow(InvalidArgumentError);
  });

  it('--max-exchanges N bounds the list in memory, from 1000 up', async () => {
    const flags = { host: '127.0.0.1', passThrough: [], insecure: [] };
    expect(parseMaxExchanges('20000')).toBe(20_000);
    expect(parseMaxExchanges('150_000')).toBe(150_000);
    for (const bad of ['999', '0', '-5', '1e5', 'many', '20000000'])
      expect(() => parseMaxExchanges(bad)).toThrow(InvalidArgumentError);
    expect(proxyOptionsFromFlags({ ...flags, maxExchanges: 5000 }, 0, '/d').maxExchanges).toBe(5000);
    expect(proxyOptionsFromFlags(flags, 0, '/d').maxExchanges).toBeUndefined();
    const t = setup({ maxExchanges: 5000 });
    await t.ready;
    expect(t.engine().options.maxExchanges).toBe(5000);
    t.signal();
    expect(await t.run).toBe(0);
  });

  it('without the flag, the OS proxy is left alone', async () => {
    const t = setup();
    await t.ready;
    t.signal();
    expect(await t.run).toBe(0);
    expect(t.engine().systemProxyCalls).toEqual([]);
  });
});

describe('runProxy', () => {
  it('prints the listening line, one line per finished exchange, and a retry line found later', async () => {
    const t = setup();
    await t.ready;
    const first = makeFailedExchange({ class: 'connection_reset', phase: 'receive' });
    t.engine().emit({ type: 'exchange:started', exchange: { ...first, state: 'pending' } });
    t.engine().emit({ type: 'exchange:finished', exchange: first });
    t.engine().emit({ type: 'exchange:updated', exchange: first }); // nothing new: no line
    t.engine().emit({
      type: 'exchange:updated',
      exchange: { ...first, retry: { chainId: 'ch1', attempt: 1 } },
    });
    t.engine().emit({
      type: 'exchange:updated',
      exchange: { ...first, retry: { chainId: 'ch1', attempt: 1 } },
    });
    const second = makeExchange({ retry: { chainId: 'ch1', attempt: 2 } });
    t.engine().emit({ type: 'exchange:finished', exchange: second });
    t.signal();
    expect(await t.run).toBe(0);
    const lines = t.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(['listening', 'exchange', 'retry', 'exchange']);
    expect(lines[0]).toEqual({
      type: 'listening',
      proxy: 'http://127.0.0.1:40123',
      caCert: '/data/ca/netlens-ca.pem',
      session: '20261207-120000-abcd',
    });
    expect(lines[1]).toMatchObject({ id: first.id, status: null, error: { class: 'connection_reset' } });
    expect(lines[2]).toEqual({ type: 'retry', id: first.id, retry: { chainId: 'ch1', attempt: 1 } });
    expect(lines[3]).toMatchObject({ id: second.id, retry: { chainId: 'ch1', attempt: 2 } });
    expect(t.engine().closed).toBe(true);
  });

  it('a gRPC exchange line carries its decoded messages; the lines after it wait, in order', async () => {
    const t = setup();
    await t.ready;
    const call = makeExchange({
      grpc: { service: 'demo.Echo', method: 'Say', status: 0, statusName: 'OK', requestMessages: 1 },
    });
    const after = makeExchange();
    t.engine().emit({ type: 'exchange:finished', exchange: call });
    t.engine().emit({ type: 'exchange:finished', exchange: after });
    expect(t.out.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['listening']);
    expect(t.engine().grpcCalls).toEqual([{ id: call.id, options: { ask: true, redact: false } }]);
    const decoded: GrpcDecodedMessages = {
      names: { kind: 'reflection', origin: '127.0.0.1:50051' },
      request: [{ type: 'demo.EchoRequest', fields: { text: 'hi' } }],
      response: [],
    };
    t.engine().grpcAnswer(decoded);
    t.signal();
    expect(await t.run).toBe(0);
    const lines = t.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.id)).toEqual([undefined, call.id, after.id]);
    expect(lines[1]).toMatchObject({ grpc: { service: 'demo.Echo', method: 'Say', messages: decoded } });
    expect(lines[2]).not.toHaveProperty('grpc');
  });

  it('remembers printed retry info for as many exchanges as the engine stores, the oldest forgotten first', async () => {
    const t = setup();
    await t.ready;
    const first = makeFailedExchange({ class: 'connection_reset', phase: 'receive' });
    t.engine().emit({ type: 'exchange:finished', exchange: first });
    const later = makeExchange();
    for (let i = 1; i < PRINTED_RETRY_LIMIT; i += 1) {
      t.engine().emit({ type: 'exchange:finished', exchange: { ...later, id: `later-${i}` } });
    }
    // Still remembered: a retry found later is printed.
    t.engine().emit({
      type: 'exchange:updated',
      exchange: { ...first, retry: { chainId: 'a', attempt: 1 } },
    });
    // One more exchange: the first is forgotten, and so are updates about it.
    t.engine().emit({ type: 'exchange:finished', exchange: { ...later, id: 'newest' } });
    t.engine().emit({
      type: 'exchange:updated',
      exchange: { ...first, retry: { chainId: 'b', attempt: 1 } },
    });
    t.engine().emit({
      type: 'exchange:updated',
      exchange: { ...later, id: 'newest', retry: { chainId: 'c', attempt: 2 } },
    });
    t.signal();
    expect(await t.run).toBe(0);
    const retries = t.out
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === 'retry');
    expect(retries).toEqual([
      { type: 'retry', id: first.id, retry: { chainId: 'a', attempt: 1 } },
      { type: 'retry', id: 'newest', retry: { chainId: 'c', attempt: 2 } },
    ]);
  }, 60_000); // PRINTED_RETRY_LIMIT exchanges: a bound for a loaded machine, not a speed claim

  it('prints the human lines without --json', async () => {
    const t = setup({ json: false, port: 8899 });
    await t.ready;
    t.engine().emit({
      type: 'exchange:finished',
      exchange: makeExchange({ url: 'http://127.0.0.1:1/a', durationMs: 5 }),
    });
    t.engine().emit({ type: 'notice', level: 'warning', message: 'something odd' });
    t.signal('SIGTERM');
    expect(await t.run).toBe(0);
    expect(t.out).toEqual([
      'NetLens proxy listening on http://127.0.0.1:8899',
      'CA certificate: /data/ca/netlens-ca.pem',
      'Session: 20261207-120000-abcd',
      '200 GET http://127.0.0.1:1/a 5.0 ms 2 B',
    ]);
    expect(t.err).toContain('netlens: warning: something odd');
  });

  it('redacts what it prints with --redact and asks the HAR export to redact', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-proxycmd-'));
    tempDirs.push(dir);
    const har = path.join(dir, 'session.har');
    const t = setup({ redact: true, har });
    await t.ready;
    t.engine().emit({
      type: 'exchange:finished',
      exchange: makeExchange({ url: 'http://127.0.0.1/?token=s3cret' }),
    });
    t.signal();
    expect(await t.run).toBe(0);
    expect(t.out.join('\n')).not.toContain('s3cret');
    expect(t.out[1]).toContain('token=[redacted]');
    expect(t.engine().exportedWith).toEqual({ redact: true });
    expect(JSON.parse(readFileSync(har, 'utf8')).log.version).toBe('1.2');
    expect(t.err.some((line) => line.startsWith('Wrote 0 entries to '))).toBe(true);
  });

  it('passes the flags to the engine as settings overrides', async () => {
    const t = setup({
      settings: { connectTimeoutMs: 100, passThroughHosts: ['*.bank.example'] },
      host: '::1',
      port: 9999,
    });
    await t.ready;
    expect(t.engine().options).toMatchObject({
      host: '::1',
      port: 9999,
      settings: { connectTimeoutMs: 100, passThroughHosts: ['*.bank.example'] },
    });
    expect(JSON.parse(t.out[0]!).proxy).toBe('http://[::1]:9999');
    t.signal();
    await t.run;
  });

  it('passes --rules and --toxiproxy-api to the engine and names them in the listening line', async () => {
    const t = setup({ rules: '/work/rules.json', toxiproxyApi: { host: '127.0.0.1', port: 8474 } });
    await t.ready;
    expect(t.engine().options).toMatchObject({
      rules: { file: '/work/rules.json' },
      toxiproxyApi: { host: '127.0.0.1', port: 8474 },
    });
    expect(JSON.parse(t.out[0]!)).toMatchObject({
      rules: '/work/rules.json',
      toxiproxyApi: 'http://127.0.0.1:8474',
    });
    t.signal();
    await t.run;
  });

  it('a rules file the engine refuses is a one-line usage error (exit 2)', async () => {
    // The deps of a run that ended, reused with an engine that refuses the file.
    const t = setup({ rules: '/work/rules.json' });
    await t.ready;
    t.signal();
    await t.run;
    const refused = Object.assign(
      new Error('Rules file /work/rules.json: rules[0].probability: 2 is out of range'),
      {
        code: 'rules_invalid',
      },
    );
    const failing: ProxyCommandDeps['createEngine'] = () => Promise.reject(refused);
    const error = await runProxy(
      {
        dataDir: '/d',
        host: '127.0.0.1',
        port: 0,
        redact: false,
        json: false,
        settings: {},
        rules: '/work/rules.json',
      },
      { ...t.deps, createEngine: failing },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toBe(
      'Rules file /work/rules.json: rules[0].probability: 2 is out of range. Fix the file and start again.',
    );
  });

  it('turns a port in use into one line naming the port and its holder, exit 1', async () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8899'), {
      code: 'EADDRINUSE',
    });
    const t = setup({ port: 8899 }, inUse);
    const error = await t.run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toBe(
      'Port 8899 on 127.0.0.1 is already in use by nginx (pid 4242). Stop it or choose another port with --port (0 picks a free one).',
    );
    expect(t.engine().closed).toBe(true);
  });

  it('refuses a HAR path in a folder that does not exist before starting, exit 2', async () => {
    const t = setup({ har: path.join(os.tmpdir(), 'no-such-netlens-dir', 'x.har') });
    const error = await t.run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain('no-such-netlens-dir');
  });
});

describe('flag parsing', () => {
  it('accepts ports 0-65535 only', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['-1', '65536', 'abc', '80.5', ''])
      expect(() => parsePort(bad)).toThrow(InvalidArgumentError);
  });

  const parse = (args: string[]) => {
    const command = addSharedProxyOptions(new Command('proxy').exitOverride(), { host: 'h', json: 'j' });
    command.configureOutput({ writeErr: () => undefined });
    command.parse(args, { from: 'user' });
    return proxyOptionsFromFlags(command.opts<SharedProxyFlags>(), 0, '/data').settings;
  };

  it('maps the setting flags to settings, every existing flag name included, and leaves the rest alone', () => {
    expect(parse([])).toEqual({});
    expect(
      parse([
        '--body-timeout-ms',
        '5',
        '--response-timeout-ms',
        '0',
        '--connect-timeout-ms',
        '1500',
        '--insecure',
        'a.test',
        '--insecure',
        '[::1]',
        '--pass-through',
        '*.bank.test',
        '--client-headers-timeout-ms',
        '2000',
        '--max-header-bytes',
        '32768',
        '--body-memory-limit-bytes',
        '0',
        '--body-capture-cap-bytes',
        '1048576',
      ]),
    ).toEqual({
      bodyIdleTimeoutMs: 5,
      responseTimeoutMs: 0,
      connectTimeoutMs: 1500,
      insecureHosts: ['a.test', '::1'],
      passThroughHosts: ['*.bank.test'],
      clientHeadersTimeoutMs: 2000,
      maxHeaderBytes: 32768,
      bodyMemoryLimitBytes: 0,
      bodyCaptureCapBytes: 1048576,
    });
  });

  it('refuses a bad setting flag as a usage error naming the range', () => {
    for (const args of [
      ['--connect-timeout-ms', '-5'],
      ['--connect-timeout-ms', '1e3'],
      ['--client-headers-timeout-ms', '0'],
      ['--max-header-bytes', '10'],
      ['--pass-through', ''],
      ['--insecure', 'https://a.test/'],
    ]) {
      const error = (() => {
        try {
          parse(args);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(error, args.join(' ')).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).code).toBe('commander.invalidArgument');
    }
  });

  it('says when the OS does not name the holder', () => {
    expect(portInUseMessage('127.0.0.1', 80, undefined)).toMatch(
      /^Port 80 on 127\.0\.0\.1 is already in use \(/,
    );
    expect(portInUseMessage('::1', 80, { protocol: 'tcp6', address: '::1', port: 80, pid: 9 })).toContain(
      'by pid 9.',
    );
  });
});
