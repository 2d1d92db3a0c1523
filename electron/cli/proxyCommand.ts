/**
 * `netlens proxy` — the capture proxy, headless (DESIGN.md, "The command line"). A thin client of
 * createEngine(): it starts the engine, prints what finishes (terse lines, or NDJSON with
 * --json), and on SIGINT/SIGTERM writes the HAR (with --har), closes the engine and exits 0.
 */
import { access } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Engine, EngineOptions } from '../engine/engine.js';
import type { EngineEvent } from '../../shared/api.js';
import type { Exchange } from '../../shared/model.js';
import type { RulesState } from '../../shared/rules.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { CliError } from './cliError.js';
import { exchangeLine, listeningLine, proxyUrl, retryLine, type NdjsonLine } from './ndjsonExchange.js';
import { terseExchangeLine, terseRetryLine } from './terseExchangeLine.js';
import type { ListeningSocket } from '../engine/system/listeningSockets.js';
import { writeFileAtomically } from '../engine/system/atomicFileWrite.js';
import { errorCode } from './errorCode.js';
import { flush, lineWriter } from './lineWriter.js';
import { onProcessShutdownSignal } from './shutdownSignals.js';
import {
  addSharedProxyOptions,
  DEFAULT_PROXY_PORT,
  parsePort,
  proxyOptionsFromFlags,
  type ProxyCommandOptions,
  type SharedProxyFlags,
} from './proxyOptions.js';

export type { ProxyCommandOptions } from './proxyOptions.js';

/** What runProxy needs from the outside world; the command wires the real ones. */
export interface ProxyCommandDeps {
  createEngine(options: EngineOptions): Promise<Engine>;
  redactExchange(exchange: Exchange): Exchange;
  findPortOwner(port: number, host?: string): Promise<ListeningSocket | undefined>;
  /** Line writers; each call is one whole line without its newline. */
  out(line: string): void;
  err(line: string): void;
  /** Calls `handler` once on the first shutdown signal; returns the unsubscribe function. */
  onShutdownSignal(handler: (signal: string) => void): () => void;
}

// ───────────────────────────── errors ─────────────────────────────

function isAddressInUse(error: unknown): boolean {
  if (errorCode(error) === 'EADDRINUSE') return true;
  return error instanceof Error && /EADDRINUSE|address already in use|already in use/i.test(error.message);
}

export function portInUseMessage(host: string, port: number, owner: ListeningSocket | undefined): string {
  const where = `Port ${port} on ${host} is already in use`;
  const fix = 'Stop it or choose another port with --port (0 picks a free one).';
  if (owner?.pid !== undefined) {
    const who = owner.command ? `${owner.command} (pid ${owner.pid})` : `pid ${owner.pid}`;
    return `${where} by ${who}. ${fix}`;
  }
  return `${where} (the OS did not say by which process). Choose another port with --port (0 picks a free one).`;
}

/** A start that failed before listening: a rules file that cannot be used is a one-line error. */
function engineError(error: unknown): unknown {
  if (error instanceof Error && (error as { code?: unknown }).code === 'rules_invalid') {
    return new CliError(`${error.message}. Fix the file and start again.`, EXIT_USAGE, { cause: error });
  }
  return error;
}

/** `Rules: FILE (3 rules, 2 enabled)`. */
export function rulesLine(file: string, state: RulesState): string {
  const count = state.rules.length;
  const enabled = state.rules.filter((rule) => rule.enabled !== false).length;
  return `Rules: ${file} (${count} rule${count === 1 ? '' : 's'}, ${enabled} enabled; reloaded when it changes)`;
}

async function startError(
  error: unknown,
  options: ProxyCommandOptions,
  deps: ProxyCommandDeps,
): Promise<CliError> {
  const { host, port } = options;
  // The toxiproxy API's own port: its message names it and the flag to change.
  if (error instanceof Error && error.message.startsWith('Cannot serve the toxiproxy API')) {
    return new CliError(error.message, 1, { cause: error });
  }
  if (isAddressInUse(error)) {
    const owner = await deps.findPortOwner(port, host).catch(() => undefined);
    return new CliError(portInUseMessage(host, port, owner), 1, { cause: error });
  }
  const code = errorCode(error);
  const target = proxyUrl(host, port);
  if (code === 'EACCES') {
    return new CliError(
      `Not allowed to listen on ${target}: ports below 1024 need privileges. Use --port 8899.`,
      1,
      {
        cause: error,
      },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(
      `Cannot listen on ${target}: ${host} is not an address of this machine. Check --host.`,
      1,
      {
        cause: error,
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(`Cannot start the proxy on ${target}: ${reason}`, 1, { cause: error });
}

// ───────────────────────────── HAR ─────────────────────────────

/** Fails early, before any traffic is captured, when the HAR could not be written at the end. */
async function checkHarTarget(file: string): Promise<void> {
  const dir = path.dirname(file);
  try {
    await access(dir, fsConstants.W_OK);
  } catch {
    throw new CliError(
      `Cannot write the HAR to ${file}: the folder ${dir} does not exist or is not writable.`,
      EXIT_USAGE,
    );
  }
}

/**
 * Written whole or not at all (see writeFileAtomically), entry by entry as the engine reads the
 * exchanges back (engine.writeHar), in batches of about 1 MiB: a long session is never one
 * document or one string in memory.
 */
async function writeHarAtomically(
  file: string,
  writeHar: (write: (text: string) => Promise<void>) => Promise<number>,
): Promise<number> {
  let entries = 0;
  await writeFileAtomically(file, async (handle) => {
    let batch = '';
    entries = await writeHar(async (text) => {
      batch += text;
      if (batch.length >= 1024 * 1024) {
        await handle.write(batch);
        batch = '';
      }
    });
    if (batch !== '') await handle.write(batch);
  });
  return entries;
}

// ───────────────────────────── the run ─────────────────────────────

/** How many exchanges' printed retry info is remembered: as many as the engine stores. */
export const PRINTED_RETRY_LIMIT = 100_000;

/** A saved session that cannot be opened (`--session ID`), as a one-line CLI error. */
function sessionOpenError(error: unknown): CliError | undefined {
  const code = errorCode(error);
  if (code !== 'not_found' && code !== 'session_in_use' && code !== 'session_unreadable') return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(message, code === 'not_found' ? EXIT_USAGE : 1, { cause: error });
}

/** Runs the proxy until a shutdown signal; resolves with the exit code. */
export async function runProxy(options: ProxyCommandOptions, deps: ProxyCommandDeps): Promise<number> {
  if (options.har) await checkHarTarget(options.har);

  // Subscribe before anything can arrive: a signal during start-up still shuts down cleanly.
  let signalled: (signal: string) => void = () => {};
  const shutdown = new Promise<string>((resolve) => (signalled = resolve));
  const unsubscribeSignal = deps.onShutdownSignal((signal) => signalled(signal));

  let engine: Engine;
  try {
    engine = await deps.createEngine({
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      settings: options.settings,
      systemProxy: { ownerName: 'netlens proxy' },
      ...(options.rules !== undefined ? { rules: { file: options.rules } } : {}),
      ...(options.toxiproxyApi ? { toxiproxyApi: options.toxiproxyApi } : {}),
      ...(options.session ? { session: { open: options.session } } : {}),
      ...(options.maxExchanges !== undefined ? { maxExchanges: options.maxExchanges } : {}),
    });
  } catch (error) {
    unsubscribeSignal();
    throw sessionOpenError(error) ?? engineError(error);
  }

  const present = (exchange: Exchange): Exchange =>
    options.redact ? deps.redactExchange(exchange) : exchange;
  const emit = (line: NdjsonLine): void => deps.out(JSON.stringify(line));
  // Retry info already printed per exchange, so an `exchange:updated` prints only what is new;
  // kept for as many exchanges as the engine stores (the oldest forgotten first), so a proxy
  // that runs for days does not grow without bound.
  const printedRetry = new Map<string, string>();
  let printedOrder: (string | undefined)[] = [];
  let printedNext = 0;
  const rememberPrinted = (id: string, key: string): void => {
    if (!printedRetry.has(id)) {
      const forgotten = printedOrder[printedNext];
      if (forgotten !== undefined) printedRetry.delete(forgotten);
      printedOrder[printedNext] = id;
      printedNext = (printedNext + 1) % PRINTED_RETRY_LIMIT;
    }
    printedRetry.set(id, key);
  };
  const retryKey = (exchange: Exchange): string =>
    exchange.retry ? `${exchange.retry.chainId}#${exchange.retry.attempt}` : '';

  // Lines go out in the order their events came. A gRPC exchange's NDJSON line waits for its
  // messages to be decoded (and, the first time a server is seen, for its reflection answer,
  // bounded by a timeout); the lines after it wait behind it.
  let tail: Promise<void> = Promise.resolve();
  let waiting = 0;
  const inOrder = (write: () => void | Promise<void>): void => {
    const run = (): void | Promise<void> => {
      try {
        return write();
      } catch (error) {
        printFailed(error);
      }
    };
    if (waiting === 0) {
      const result = run();
      if (!result) return;
      waiting += 1;
      tail = result.catch(printFailed).finally(() => (waiting -= 1));
      return;
    }
    waiting += 1;
    tail = tail
      .then(run)
      .catch(printFailed)
      .finally(() => (waiting -= 1));
  };
  const printFailed = (error: unknown): void =>
    // A formatting bug must not stop the capture: say so and go on.
    deps.err(`netlens: could not print an event: ${error instanceof Error ? error.message : String(error)}`);
  const exchangeJson = (exchange: Exchange): void | Promise<void> => {
    const line = exchangeLine(exchange);
    if (!line.grpc) return emit(line);
    return engine.grpc
      .messagesJson(exchange.id, { ask: true, redact: options.redact === true })
      .catch(() => undefined)
      .then((messages) => {
        if (messages && line.grpc) line.grpc.messages = messages;
        emit(line);
      });
  };

  const onEvent = (event: EngineEvent): void => {
    try {
      if (event.type === 'exchange:finished') {
        const exchange = present(event.exchange);
        rememberPrinted(exchange.id, retryKey(exchange));
        if (options.json) inOrder(() => exchangeJson(exchange));
        else inOrder(() => deps.out(terseExchangeLine(exchange)));
      } else if (event.type === 'exchange:updated') {
        const { exchange } = event;
        const printed = printedRetry.get(exchange.id);
        if (printed === undefined || !exchange.retry || printed === retryKey(exchange)) return;
        rememberPrinted(exchange.id, retryKey(exchange));
        const retry = exchange.retry;
        if (options.json) inOrder(() => emit(retryLine(exchange.id, retry)));
        else inOrder(() => deps.out(terseRetryLine(present(exchange), exchange.id, retry)));
      } else if (event.type === 'exchanges:cleared') {
        printedRetry.clear();
        printedOrder = [];
        printedNext = 0;
      } else if (event.type === 'notice') {
        deps.err(`netlens: ${event.level}: ${event.message}`);
      }
    } catch (error) {
      printFailed(error);
    }
  };
  const unsubscribeEvents = engine.on(onEvent);

  try {
    await engine.start();
  } catch (error) {
    unsubscribeEvents();
    unsubscribeSignal();
    await engine.close().catch(() => undefined);
    throw await startError(error, options, deps);
  }

  const address = engine.address() ?? { host: options.host, port: options.port };
  const url = proxyUrl(address.host, address.port);
  const toxiproxyAddress = engine.tcpProxies.apiAddress();
  const toxiproxyUrl = toxiproxyAddress ? proxyUrl(toxiproxyAddress.host, toxiproxyAddress.port) : undefined;
  const sessionId = engine.sessions.current()?.id;
  if (options.json) {
    emit(
      listeningLine(url, engine.caCertPath, undefined, engine.proxySecret, {
        ...(toxiproxyUrl !== undefined ? { toxiproxyApi: toxiproxyUrl } : {}),
        ...(options.rules !== undefined ? { rules: options.rules } : {}),
        ...(sessionId !== undefined ? { session: sessionId } : {}),
      }),
    );
  } else {
    deps.out(`NetLens proxy listening on ${url}`);
    deps.out(`CA certificate: ${engine.caCertPath}`);
    if (toxiproxyUrl !== undefined) deps.out(`Toxiproxy API on ${toxiproxyUrl}`);
    if (options.rules !== undefined) deps.out(rulesLine(options.rules, engine.rules.state()));
    if (sessionId !== undefined) deps.out(`Session: ${sessionId}`);
    if (engine.proxySecret !== undefined) {
      // Beyond loopback the proxy must not be open to the LAN: clients send this as proxy password.
      deps.out(
        `Proxy authentication: on (listening beyond loopback). Proxy password: ${engine.proxySecret} (any user name)`,
      );
    }
    deps.err(
      options.har
        ? `Press Ctrl-C to stop; the session is then written to ${options.har}.`
        : 'Press Ctrl-C to stop.',
    );
  }

  if (options.systemProxy) {
    try {
      const change = await engine.systemProxy.set({ on: true, pac: options.systemProxy === 'pac' });
      deps.err(`${change.message} Restored when this proxy stops.`);
    } catch (error) {
      // Asked for explicitly: a proxy that runs without it would not be what the user wanted.
      unsubscribeEvents();
      unsubscribeSignal();
      await engine.close().catch(() => undefined);
      throw new CliError(error instanceof Error ? error.message : String(error), 1, { cause: error });
    }
  }

  await shutdown;
  unsubscribeSignal();
  // The lines of exchanges that finished before the signal, still being decoded.
  await tail;

  let exitCode = 0;
  if (options.systemProxy) {
    // Before anything else: the machine must not keep pointing at a proxy that is stopping.
    try {
      const change = await engine.systemProxy.set({ on: false });
      deps.err(change.message);
    } catch (error) {
      exitCode = 1;
      deps.err(`netlens: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (options.har) {
    try {
      const entries = await writeHarAtomically(options.har, (write) =>
        engine.writeHar(write, { redact: options.redact }),
      );
      deps.err(`Wrote ${entries} entries to ${options.har}`);
    } catch (error) {
      exitCode = 1;
      deps.err(
        `netlens: could not write the HAR to ${options.har}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  unsubscribeEvents();
  try {
    await engine.close();
  } catch (error) {
    deps.err(`netlens: closing the proxy failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return exitCode;
}

// ───────────────────────────── wiring ─────────────────────────────

export function registerProxyCommand(program: Command): void {
  const command = program
    .command('proxy')
    .description('run the capture proxy headless; print each finished exchange; write a HAR on exit')
    .option('--port <n>', 'port to listen on (0 picks a free port)', parsePort, DEFAULT_PROXY_PORT);
  addSharedProxyOptions(command, {
    host: 'address to listen on',
    json: 'NDJSON on stdout: a "listening" line, then one line per finished exchange',
  })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  netlens proxy --har session.har',
        '  curl -x http://127.0.0.1:8899 --cacert "$(netlens ca)" https://example.com/',
        '  netlens proxy --port 0 --json | jq -c \'select(.type=="exchange" and .error)\'',
      ].join('\n'),
    )
    .action(async (_flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<SharedProxyFlags & { port: number }>();
      const [{ createEngine }, { redactExchange }, { findPortOwner }, { resolveDataDir }] = await Promise.all(
        [
          import('../engine/engine.js'),
          import('../engine/capture/redaction.js'),
          import('../engine/system/listeningSockets.js'),
          import('../engine/system/dataDir.js'),
        ],
      );
      const exitCode = await runProxy(
        proxyOptionsFromFlags(flags, flags.port, resolveDataDir(flags.dataDir)),
        {
          createEngine,
          redactExchange,
          findPortOwner,
          out: lineWriter(process.stdout),
          err: (line) => process.stderr.write(`${line}\n`),
          onShutdownSignal: onProcessShutdownSignal,
        },
      );
      await flush(process.stdout);
      process.exit(exitCode);
    });
}
